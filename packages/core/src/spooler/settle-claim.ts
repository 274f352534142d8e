import { XportError, type Claim, type ClaimResult, type Clock, type Logger, type MessageStore, type StoredMessage, type StrandedClaim } from '@xport/provider-sdk';
import type { SpoolerEmitter, SpoolerEventName, SpoolerEvents } from './events.js';
import { isReportOwed, writeReport, type ReportKind } from './reports.js';

export interface SettleContext {
  readonly store: MessageStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: SpoolerEmitter;
}

function reportKindFor(result: ClaimResult): ReportKind | undefined {
  if (result.state === 'delivered') return 'report.dr';
  if (result.state === 'failed' || result.state === 'expired') return 'report.ndr';
  return undefined;
}

/**
 * Applies one claimed recipient's result: writes the report it owes (before completing, so a crash
 * in between neither loses nor duplicates it: the report key is idempotent and the recipient is
 * claimed again), completes the claim, then emits the event. Returns false when the claim was left
 * as it is (store error or a lease another spooler has since taken).
 */
export async function settleClaim(
  ctx: SettleContext,
  stored: StoredMessage,
  claim: Claim | StrandedClaim,
  result: ClaimResult,
  diagnostic?: string,
): Promise<boolean> {
  const now = ctx.clock.now();
  try {
    const kind = reportKindFor(result);
    // Most results owe no report (a delivery without deliveryReport): no facts to build, no write to await.
    if (kind && isReportOwed(kind, stored.envelope)) {
      await writeReport(
        ctx.store,
        {
          kind,
          messageId: stored.id,
          envelope: stored.envelope,
          submittedAt: stored.submittedAt,
          recipientIndex: claim.recipientIndex,
          recipient: claim.recipient,
          provider: claim.provider,
          state: result.state as 'delivered' | 'failed' | 'expired',
          ...('error' in result && result.error ? { error: result.error } : {}),
          ...(diagnostic !== undefined ? { diagnostic } : {}),
        },
        now,
      );
    }
    await ctx.store.complete({ leaseId: claim.leaseId, messageId: claim.messageId, recipientIndex: claim.recipientIndex, result, now });
  } catch (err) {
    const at = { messageId: claim.messageId, recipientIndex: claim.recipientIndex, provider: claim.provider };
    if (XportError.is(err, 'XPORT_STORE_STALE_LEASE')) ctx.logger.warn('claim was taken over before it completed', { ...at, state: result.state });
    // The lease stays; when it expires the recipient is claimed and attempted again (at least once).
    else ctx.logger.error('could not record a send result; the recipient will be retried', { ...at, state: result.state, error: String(err) });
    return false;
  }
  emitResult(ctx.events, claim, result, diagnostic);
  return true;
}

function emitResult(events: SpoolerEmitter, claim: Claim | StrandedClaim, result: ClaimResult, diagnostic?: string): void {
  if (!events.heard(result.state as SpoolerEventName)) return;
  const base = { messageId: claim.messageId, recipientIndex: claim.recipientIndex, recipient: claim.recipient, provider: claim.provider };
  switch (result.state) {
    case 'delivered': {
      // Built by assignment, not spread from `base`: this runs once per delivered recipient.
      const event: { -readonly [K in keyof SpoolerEvents['delivered']]: SpoolerEvents['delivered'][K] } = base;
      if (diagnostic !== undefined) event.diagnostic = diagnostic;
      events.emit('delivered', event);
      break;
    }
    case 'deferred':
      events.emit('deferred', { ...base, nextAttemptAt: result.nextAttemptAt, error: result.error ?? { code: '4.0.0', diagnostic: 'deferred' } });
      break;
    case 'failed':
      events.emit('failed', { ...base, error: result.error });
      break;
    case 'expired':
      events.emit('expired', { ...base, error: result.error });
      break;
    case 'queued':
      break;
  }
}

/**
 * Puts claimed recipients back in the queue under the same provider, no attempt counted: at stop,
 * or when a limit or a vanished transport keeps them from being sent now.
 */
export async function releaseClaims(ctx: SettleContext, claims: ReadonlyArray<Claim | StrandedClaim>, nextAttemptAt?: number): Promise<void> {
  const now = ctx.clock.now();
  for (const claim of claims) {
    const result: ClaimResult = { state: 'queued', provider: claim.provider, ...(nextAttemptAt !== undefined ? { nextAttemptAt } : {}) };
    try {
      await ctx.store.complete({ leaseId: claim.leaseId, messageId: claim.messageId, recipientIndex: claim.recipientIndex, result, now });
    } catch (err) {
      ctx.logger.warn('could not release a claim; it returns to the queue when its lease expires', {
        messageId: claim.messageId,
        recipientIndex: claim.recipientIndex,
        error: String(err),
      });
    }
  }
}
