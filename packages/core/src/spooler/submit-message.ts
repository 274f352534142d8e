import { createSubmitFingerprint, type MessageEnvelope, type MessageInput, type SubmitRequest } from '@xport/provider-sdk';
import { destinationOf } from './destination-of.js';
import { toContentParts } from './content-parts.js';
import type { SpoolerEmitter, SubmittedRecipient } from './events.js';
import type { HookGate } from './hook-gate.js';
import type { SpoolerHost } from './host.js';
import { applyOutboundHooks } from './outbound-hooks.js';
import { mergeDuplicateRecipients } from './merge-recipients.js';
import { routeRecipients, type RoutedRecipient } from './route-recipients.js';
import { failSuppressed } from './suppression.js';
import { validateMessage, type MessageDraft } from './validate-message.js';

/** What `submit` resolves to: from then on the message is the kernel's responsibility. */
export interface SubmitReceipt {
  readonly messageId: string;
  /** True when the idempotency key matched an earlier submission: nothing new was queued. */
  readonly duplicate: boolean;
  readonly recipients: readonly SubmittedRecipient[];
}

// Built by assignment, not by spreading conditional objects: this runs once per message and the
// spreads showed up in profiles (each allocates and copies a temporary object).
function toEnvelope(draft: MessageDraft): MessageEnvelope {
  const envelope: { -readonly [K in keyof MessageEnvelope]: MessageEnvelope[K] } = { headers: draft.headers, kind: 'note', deliveryReport: draft.deliveryReport, suppressNdr: draft.suppressNdr };
  if (draft.from) envelope.from = draft.from;
  if (draft.subject !== undefined) envelope.subject = draft.subject;
  if (draft.messageId !== undefined) envelope.messageId = draft.messageId;
  if (draft.dsn !== undefined) envelope.dsn = draft.dsn;
  return envelope;
}

/**
 * Validates, runs outbound hooks (refusing the message while a hook that would judge it is not
 * online), merges recipients listed twice (`mergeDuplicateRecipients`), routes each recipient to its
 * first transport and queues the message. Recipients no transport handles, and those on the
 * suppression list (`failSuppressed`), are queued without a
 * provider and failed, with one NDR listing them all, before `submit` resolves; the store keeps them
 * open until then, so a crash in between leaves them to the spooler's sweep instead of losing the report.
 */
export async function submitMessage(host: SpoolerHost, events: SpoolerEmitter, input: MessageInput, settle: SettleUnroutable, gate: HookGate): Promise<SubmitReceipt> {
  const validated = validateMessage(input);
  const content = toContentParts(input, host.options.maxMessageBytes);
  // A key is bound to the content as its sender gave it, before hooks: a retry is still a retry when a
  // hook rewrites it differently this time. Streamed parts are hashed as the store reads them.
  const keyed = validated.idempotencyKey === undefined ? undefined : createSubmitFingerprint({ envelope: toEnvelope(validated), recipients: validated.recipients, parts: content.parts });
  const hooks = host.hooks();
  // No hook, no await: this runs once per message. A hook that is down refuses here (fail closed).
  const judging = hooks.length === 0 ? undefined : gate.select(hooks, 'outbound');
  const draft = judging === undefined || judging.length === 0 ? validated : await applyOutboundHooks(judging, validated);
  // After hooks, which may add a recipient already there; before routing, so one address is one recipient.
  const now = host.clock.now();
  // Suppressed addresses fail here like unroutable ones: no transport, one NDR with the others.
  const routed = await failSuppressed(host, routeRecipients(mergeDuplicateRecipients(draft.recipients), host.routing()), now);

  const unroutable = routed.some((r) => r.provider === null);
  let result;
  try {
    result = await host.store.submit({
      envelope: toEnvelope(draft),
      recipients: toQueuedRecipients(host, routed, unroutable),
      parts: keyed?.parts ?? content.parts,
      submittedAt: now,
      expiresAt: now + host.options.retry.lifetimeMs,
      ...(draft.idempotencyKey !== undefined ? { idempotencyKey: draft.idempotencyKey } : {}),
      ...(keyed !== undefined ? { fingerprint: keyed.fingerprint } : {}),
    });
  } catch (err) {
    // A streamed part over the size limit surfaces as the store's read error; name the real cause.
    throw content.overLimit() ?? err;
  }

  // Also on a duplicate: a client retrying after a crash between queueing and reporting repairs the gap.
  if (unroutable) {
    try {
      await settle(result.messageId);
    } catch (err) {
      host.logger.error('could not settle the unroutable recipients of a message; the sweep will', { messageId: result.messageId, error: String(err) });
    }
  }
  let recipients: SubmittedRecipient[] = routed.map((r) => ({ recipient: r.recipient, provider: r.provider, state: r.state }));
  if (result.duplicate) {
    const stored = await host.store.getMessage(result.messageId);
    if (stored) recipients = stored.recipients.map((r) => ({ recipient: r.recipient, provider: r.provider, state: r.provider === null ? 'failed' : r.state }));
  }
  if (events.heard('submitted')) events.emit('submitted', { messageId: result.messageId, duplicate: result.duplicate, recipients });
  return { messageId: result.messageId, duplicate: result.duplicate, recipients };
}

/**
 * The recipients as the store queues them: an unroutable one stays open until its NDR is written
 * (see above); a routed one carries the destination its transport names (`destinationOf`), so claims
 * can leave a held destination's recipients in the store. A transport not loaded here (`xport send`
 * submits without them) names none: the store keeps the address type, and such a recipient is put
 * back at hand-over instead of skipped.
 */
function toQueuedRecipients(host: SpoolerHost, routed: readonly RoutedRecipient[], unroutable: boolean): SubmitRequest['recipients'] {
  return routed.map((r) => {
    if (r.provider === null) return unroutable ? { ...r, state: 'queued' as const } : r;
    const transport = host.transport(r.provider);
    return transport?.destinationOf === undefined ? r : { ...r, destination: destinationOf(transport, r.recipient) };
  });
}

/** Fails a just-queued message's unroutable recipients with their NDRs (the spooler's stranded sweep, for one message). */
export type SettleUnroutable = (messageId: string) => Promise<unknown>;
