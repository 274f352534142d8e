import { XportError, type OutboundHookInput, type OutboundVerdict } from '@xport/provider-sdk';
import type { HookEntry } from './host.js';
import { checkHeaderField, checkHeaders, toDraftRecipient, type DraftRecipient, type MessageDraft } from './validate-message.js';

function rejected(hookId: string, why: string, cause?: unknown): XportError {
  return new XportError('XPORT_MESSAGE_REJECTED', `outbound hook '${hookId}' ${why}; the message was not queued`, {
    ...(cause === undefined ? {} : { cause }),
    details: { hook: hookId },
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

function applyRewrite(hookId: string, draft: MessageDraft, verdict: Extract<OutboundVerdict, { action: 'rewrite' }>): MessageDraft {
  let recipients: readonly DraftRecipient[] = draft.recipients;
  if (verdict.recipients !== undefined) {
    recipients = verdict.recipients.map((r, i) => ({ recipient: toDraftRecipient(r.recipient, `hook '${hookId}' recipients[${i}]`), role: r.role }));
    if (recipients.length === 0) throw rejected(hookId, 'rerouted the message to no recipients');
  }
  if (verdict.subject !== undefined) checkHeaderField('Subject', verdict.subject);
  return {
    ...draft,
    recipients,
    ...(verdict.subject !== undefined ? { subject: verdict.subject } : {}),
    headers: verdict.headers !== undefined ? checkHeaders(verdict.headers) : draft.headers,
  };
}

/**
 * Runs the outbound hooks in order. Each sees the previous one's rewrite. A reject — or a hook that
 * throws or answers nonsense — refuses the submission with `XPORT_MESSAGE_REJECTED` naming the hook
 * (fail closed: a broken filter must not let everything through).
 */
export async function applyOutboundHooks(hooks: readonly HookEntry[], draft: MessageDraft): Promise<MessageDraft> {
  let current = draft;
  for (const { id, hook } of hooks) {
    if (!hook.outbound) continue;
    let verdict: OutboundVerdict;
    try {
      verdict = await hook.outbound(toHookInput(current));
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
