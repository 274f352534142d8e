import { performance } from 'node:perf_hooks';
import type { Claim, ClaimResult, RecipientOutcome, StoredMessage } from '@xport/provider-sdk';
import { endSendSpan, inSpan, startSendSpan } from '../tracing/messaging-spans.js';
import { attemptSend } from './attempt-send.js';
import type { SpoolerHost } from './host.js';
import { toAssignedRecipients, toOutboundMessage } from './outbound-message.js';
import { expiredError, toClaimResult } from './outcomes.js';
import { toSettledSend } from './report-plan.js';
import type { SendDeadline } from './send-deadline.js';
import { releaseClaims, settleClaims, type SettleContext, type SettledClaim } from './settle-claim.js';

const DELIVERED: ClaimResult = Object.freeze({ state: 'delivered' });

/** An outcome with known secrets masked in its diagnostic: it is stored, logged and may go into a report. */
function toMaskedOutcome(outcome: RecipientOutcome, redact: ((text: string) => string) | undefined): RecipientOutcome {
  return redact === undefined || !('diagnostic' in outcome) || outcome.diagnostic === undefined ? outcome : { ...outcome, diagnostic: redact(outcome.diagnostic) };
}

export interface GroupContext extends SettleContext {
  readonly host: SpoolerHost;
  readonly random?: () => number;
}

/** The claims of a message past its lifetime, expired without a send. */
function toExpiredClaims(stored: StoredMessage, claims: readonly Claim[]): SettledClaim[] {
  return claims.map((claim) => {
    const last = stored.recipients[claim.recipientIndex]?.lastError;
    return { claim, result: { state: 'expired', error: expiredError(stored.submittedAt, stored.expiresAt, last) }, attempted: false };
  });
}

/**
 * Sends one message to one transport for the recipients it is responsible for (and only those),
 * then records each recipient's result. A message past its lifetime is expired without a send.
 * `deadline` bounds the send (shared with the other sends of the same claim round); `sent` is called
 * as soon as the transport has answered (with its outcomes; none when a stop cut the send short),
 * before the results are written, so the provider's slot can take its next message while this one's
 * results are committed.
 */
export async function deliverGroup(
  ctx: GroupContext,
  providerId: string,
  claims: readonly Claim[],
  deadline: SendDeadline,
  sent: (outcomes: readonly RecipientOutcome[] | undefined) => void,
): Promise<void> {
  const { host } = ctx;
  const messageId = claims[0]?.messageId;
  if (messageId === undefined) return;
  const stored = await host.store.getMessage(messageId);
  if (!stored) {
    ctx.logger.error('claimed message is missing from the store', { messageId, provider: providerId });
    return;
  }

  if (ctx.clock.now() >= stored.expiresAt) {
    await settleClaims(ctx, stored, toExpiredClaims(stored, claims));
    return;
  }

  const transport = host.transport(providerId);
  if (!transport || !host.isAvailable(providerId)) {
    // It went away between the claim and the send: its recipients wait for it (or another spooler).
    if (transport) host.takeOffline?.(providerId);
    await releaseClaims(ctx, claims);
    return;
  }

  const span = startSendSpan(providerId, messageId, claims.length);
  const startedAt = performance.now();
  const attempt = await inSpan(span, () =>
    attemptSend({
      providerId,
      transport,
      message: toOutboundMessage(stored, host.store),
      recipients: toAssignedRecipients(claims, stored, host.verp),
      timeoutMs: host.options.sendTimeoutMs,
      deadline,
    }),
  );
  sent(attempt.kind === 'stopped' ? undefined : attempt.outcomes);
  endSendSpan(span, attempt.kind === 'stopped' ? 'stopped' : attempt.outcomes);
  if (attempt.kind === 'stopped') {
    await releaseClaims(ctx, claims);
    return;
  }
  if (ctx.events.heard('attempted')) ctx.events.emit('attempted', { messageId, provider: providerId, recipients: claims.length, durationMs: performance.now() - startedAt });

  const now = ctx.clock.now();
  // One settle for the whole send: the recipients that failed in it share one report.
  const settled: SettledClaim[] = [];
  for (let i = 0; i < claims.length; i++) {
    const claim = claims[i]!;
    const reported = attempt.outcomes[i];
    if (!reported) continue;
    const outcome = toMaskedOutcome(reported, host.redact);
    // Delivered needs no context (the common case, once per recipient).
    const result =
      outcome.status === 'delivered'
        ? DELIVERED
        : toClaimResult(outcome, {
            claim,
            now,
            submittedAt: stored.submittedAt,
            expiresAt: stored.expiresAt,
            retry: host.options.retry,
            routing: host.routing(),
            transport: (id) => host.transport(id),
            ...(ctx.random ? { random: ctx.random } : {}),
          });
    settled.push(toSettledSend(claim, result, outcome));
  }
  await settleClaims(ctx, stored, settled);
}
