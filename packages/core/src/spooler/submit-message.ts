import type { MessageEnvelope, MessageInput, StoredMessage } from '@xport/provider-sdk';
import { toContentParts } from './content-parts.js';
import type { SpoolerEmitter, SubmittedRecipient } from './events.js';
import type { SpoolerHost } from './host.js';
import { applyOutboundHooks } from './outbound-hooks.js';
import { writeReport } from './reports.js';
import { routeRecipients } from './route-recipients.js';
import { validateMessage, type MessageDraft } from './validate-message.js';

/** What `submit` resolves to: from then on the message is the kernel's responsibility. */
export interface SubmitReceipt {
  readonly messageId: string;
  /** True when the idempotency key matched an earlier submission: nothing new was queued. */
  readonly duplicate: boolean;
  readonly recipients: readonly SubmittedRecipient[];
}

function toEnvelope(draft: MessageDraft): MessageEnvelope {
  return {
    ...(draft.from ? { from: draft.from } : {}),
    ...(draft.subject !== undefined ? { subject: draft.subject } : {}),
    headers: draft.headers,
    ...(draft.messageId !== undefined ? { messageId: draft.messageId } : {}),
    kind: 'note',
    deliveryReport: draft.deliveryReport,
    suppressNdr: draft.suppressNdr,
  };
}

/**
 * Validates, runs outbound hooks, routes each recipient to its first transport and queues the
 * message. Recipients no transport handles are stored failed and get an NDR at once.
 */
export async function submitMessage(host: SpoolerHost, events: SpoolerEmitter, input: MessageInput): Promise<SubmitReceipt> {
  const validated = validateMessage(input);
  const content = toContentParts(input, host.options.maxMessageBytes);
  const draft = await applyOutboundHooks(host.hooks(), validated);
  const routed = routeRecipients(draft.recipients, host.routing());
  const now = host.clock.now();

  let result;
  try {
    result = await host.store.submit({
      envelope: toEnvelope(draft),
      recipients: routed,
      parts: content.parts,
      submittedAt: now,
      expiresAt: now + host.options.retry.lifetimeMs,
      ...(draft.idempotencyKey !== undefined ? { idempotencyKey: draft.idempotencyKey } : {}),
    });
  } catch (err) {
    // A streamed part over the size limit surfaces as the store's read error; name the real cause.
    throw content.overLimit() ?? err;
  }

  const stored = await host.store.getMessage(result.messageId);
  const recipients: SubmittedRecipient[] = stored
    ? stored.recipients.map((r) => ({ recipient: r.recipient, provider: r.provider, state: r.state }))
    : routed.map((r) => ({ recipient: r.recipient, provider: r.provider, state: r.state }));
  if (stored) await reportUnroutable(host, events, stored, result.duplicate);
  events.emit('submitted', { messageId: result.messageId, duplicate: result.duplicate, recipients });
  return { messageId: result.messageId, duplicate: result.duplicate, recipients };
}

/**
 * NDRs for recipients failed at submission. Rewritten on a duplicate submit too: the report key is
 * idempotent, so a client retrying after a crash between queueing and reporting repairs the gap.
 */
async function reportUnroutable(host: SpoolerHost, events: SpoolerEmitter, stored: StoredMessage, duplicate: boolean): Promise<void> {
  for (const r of stored.recipients) {
    if (r.provider !== null || r.state !== 'failed' || !r.lastError) continue;
    try {
      await writeReport(
        host.store,
        {
          kind: 'report.ndr',
          messageId: stored.id,
          envelope: stored.envelope,
          submittedAt: stored.submittedAt,
          recipientIndex: r.index,
          recipient: r.recipient,
          provider: null,
          state: 'failed',
          error: r.lastError,
        },
        host.clock.now(),
      );
    } catch (err) {
      host.logger.error('could not write the NDR for an unroutable recipient', { messageId: stored.id, recipientIndex: r.index, error: String(err) });
    }
    if (!duplicate) events.emit('failed', { messageId: stored.id, recipientIndex: r.index, recipient: r.recipient, provider: null, error: r.lastError });
  }
}
