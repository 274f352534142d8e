import { XportError, type OutboundHookInput, type OutboundVerdict, type Recipient } from '@xport/provider-sdk';
import type { JudgingHook } from './hook-gate.js';
import { checkHeaderBlock, checkHeaderField, checkHeaders, MAX_RECIPIENTS, toDraftRecipient, type DraftRecipient, type MessageDraft } from './validate-message.js';

type Rewrite = Extract<OutboundVerdict, { action: 'rewrite' }>;

const REWRITE_FIELDS: ReadonlySet<string> = new Set(['action', 'recipients', 'subject', 'headers']);

function rejected(hookId: string, why: string, cause?: unknown): XportError {
  return new XportError('XPORT_MESSAGE_REJECTED', `outbound hook '${hookId}' ${why}; the message was not queued`, {
    ...(cause === undefined ? {} : { cause }),
    details: { hook: hookId },
  });
}

/** The submitter did nothing wrong, the hook did: its invalid rewrite names it, keeping the validator's code. */
function invalidRewrite(hookId: string, error: unknown): unknown {
  if (!XportError.is(error)) return error;
  return new XportError(error.code, `outbound hook '${hookId}' rewrote the message into an invalid one: ${error.message}`, {
    cause: error,
    details: { ...error.details, hook: hookId },
  });
}

function toHookInput(draft: MessageDraft): OutboundHookInput {
  return {
    ...(draft.from ? { from: draft.from } : {}),
    recipients: draft.recipients,
    ...(draft.subject !== undefined ? { subject: draft.subject } : {}),
    headers: draft.headers,
  };
}

function setOwn(target: Record<string, string>, name: string, value: string): void {
  // An own "__proto__" header stays a header (a plain assignment would try to set the prototype).
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Merges a rewrite's `headers` into the current ones. Header names are case-insensitive (RFC 5322),
 * so `x-tag` replaces `X-Tag`, spelled the hook's way; `null` removes; unnamed headers are kept.
 */
function mergeHeaders(hookId: string, current: Readonly<Record<string, string>>, changes: unknown): Record<string, string> {
  if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) throw rejected(hookId, 'returned rewrite headers that are not an object of header names');
  const named = new Set<string>();
  for (const name of Object.keys(changes)) {
    const key = name.toLowerCase();
    if (named.has(key)) throw rejected(hookId, `rewrote header ${JSON.stringify(name)} twice (header names are case-insensitive)`);
    named.add(key);
  }
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries(current)) if (!named.has(name.toLowerCase())) setOwn(merged, name, value);
  for (const [name, value] of Object.entries(changes as Record<string, string | null>)) if (value !== null) setOwn(merged, name, value);
  // The same rules as at submit: names, values, at most 128 headers and 64 KiB.
  checkHeaderBlock(merged);
  return checkHeaders(merged);
}

function toRecipients(hookId: string, list: unknown): readonly DraftRecipient[] {
  if (!Array.isArray(list)) throw rejected(hookId, 'returned rewrite recipients that are not an array');
  if (list.length === 0) throw rejected(hookId, 'rerouted the message to no recipients');
  if (list.length > MAX_RECIPIENTS) throw rejected(hookId, `rerouted the message to ${list.length} recipients, more than the ${MAX_RECIPIENTS} allowed`);
  return (list as ReadonlyArray<{ recipient?: unknown; role?: unknown } | null>).map((r, i) => {
    const role = r?.role;
    if (role !== 'to' && role !== 'cc' && role !== 'bcc') throw rejected(hookId, `returned recipients[${i}] with role ${JSON.stringify(role)}; expected "to", "cc" or "bcc"`);
    return { recipient: toDraftRecipient(r?.recipient as Recipient, `hook '${hookId}' recipients[${i}]`), role };
  });
}

/** Applies one rewrite verdict: each field given changes, every other field of the message is kept. */
function applyRewrite(hookId: string, draft: MessageDraft, verdict: Rewrite): MessageDraft {
  // A misspelt field ("header", "replaceHeaders") would otherwise change nothing without a word.
  const unknown = Object.keys(verdict).filter((key) => !REWRITE_FIELDS.has(key));
  if (unknown.length > 0) throw rejected(hookId, `returned a rewrite with unknown field(s) ${unknown.join(', ')} (known: recipients, subject, headers)`);
  const next: { -readonly [K in keyof MessageDraft]: MessageDraft[K] } = { ...draft };
  try {
    if (verdict.recipients !== undefined) next.recipients = toRecipients(hookId, verdict.recipients);
    if (verdict.subject === null) delete next.subject;
    else if (verdict.subject !== undefined) {
      checkHeaderField('Subject', verdict.subject);
      next.subject = verdict.subject;
    }
    if (verdict.headers !== undefined) next.headers = mergeHeaders(hookId, draft.headers, verdict.headers);
  } catch (error) {
    if (XportError.is(error, 'XPORT_MESSAGE_REJECTED')) throw error;
    throw invalidRewrite(hookId, error);
  }
  return next;
}

/**
 * Runs the outbound hooks in order; each sees the previous one's rewrite. A reject — or a hook that
 * throws or answers nonsense — refuses the submission with `XPORT_MESSAGE_REJECTED` naming the hook
 * (fail closed: a broken filter must not let everything through). A rewrite into something submit
 * would refuse is refused the same way (`XPORT_MESSAGE_INVALID`/`XPORT_ADDRESS_INVALID`, naming the hook).
 */
export async function applyOutboundHooks(hooks: readonly JudgingHook[], draft: MessageDraft): Promise<MessageDraft> {
  let current = draft;
  for (const { id, hook } of hooks) {
    let verdict: OutboundVerdict;
    try {
      // The gate passes only hooks that have an outbound method; a missing one reads as no verdict.
      verdict = (await hook.outbound?.(toHookInput(current))) as OutboundVerdict;
    } catch (err) {
      throw rejected(id, `threw: ${err instanceof Error ? err.message : String(err)}`, err);
    }
    switch (verdict?.action) {
      case 'pass':
        break;
      case 'reject':
        throw rejected(id, `rejected the message: ${String(verdict.reason)}`);
      case 'rewrite':
        current = applyRewrite(id, current, verdict);
        break;
      default:
        throw rejected(id, `returned an unknown verdict ${JSON.stringify(verdict)?.slice(0, 80)}`);
    }
  }
  return current;
}
