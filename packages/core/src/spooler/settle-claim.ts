import { XportError, type Claim, type ClaimResult, type RecipientError, type Clock, type Logger, type MessageStore, type StoredMessage, type StrandedClaim } from '@xport/provider-sdk';
import type { SpoolerEmitter, SpoolerEventName, SpoolerEvents } from './events.js';
import type { SpoolerHost } from './host.js';
import { writeOwedReports } from './report-plan.js';
import { recordHardBounces } from './suppression.js';

export interface SettleContext {
  readonly store: MessageStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: SpoolerEmitter;
  readonly host: SpoolerHost;
}

/** One claimed recipient's result, as a settle applies it. */
export interface SettledClaim {
  readonly claim: Claim | StrandedClaim;
  readonly result: ClaimResult;
  /** What the transport said about a delivery. */
  readonly diagnostic?: string;
  /** True when the result came from a send attempt (false: unroutable, expired, swept). */
  readonly attempted: boolean;
  /** True when the transport itself failed the recipient (its outcome was `failed`): a bounce, which may count for the suppression list. */
  readonly refused?: boolean;
}

/**
 * Applies the results of one message's recipients that were settled together (one send, one expiry,
 * one sweep): writes the one report each kind owes for them (`writeOwedReports`: one NDR listing
 * every recipient that failed or expired, one delivery report and one delay report for those that
 * asked) — then completes each claim, counts the hard bounces among them for the suppression list
 * (`recordHardBounces`), and emits their events. A report is written before its claims complete, so a crash in between neither
 * loses nor duplicates it (its key names the message and the recipients; they are claimed again and
 * the second write is a no-op). A report that cannot be written leaves its claims leased, to be
 * settled again when the lease expires. Returns how many claims were completed.
 */
export async function settleClaims(ctx: SettleContext, stored: StoredMessage, settled: readonly SettledClaim[]): Promise<number> {
  const now = ctx.clock.now();
  const { results, held } = await writeOwedReports(ctx, stored, settled, now);
  const completed: SettledClaim[] = [];
  const bounced: Array<{ recipient: StrandedClaim['recipient']; error: RecipientError }> = [];
  for (const s of results) {
    // The report these results owe is not written: completing them would lose it.
    if (held.has(s.claim.recipientIndex)) continue;
    if (!(await completeClaim(ctx, s, now))) continue;
    completed.push(s);
    // Only a transport's answer says something about the address; xport's own failures do not.
    if (s.refused === true && s.result.state === 'failed') bounced.push({ recipient: s.claim.recipient, error: s.result.error });
  }
  // Counted before the events: whoever hears a recipient failed finds its address counted.
  if (bounced.length > 0) await recordHardBounces(ctx.host, bounced, now);
  for (const s of completed) emitResult(ctx.events, s.claim, s.result, s.diagnostic);
  return completed.length;
}

/**
 * Completes one claim (its event is emitted by the caller). Returns false when the claim was left as
 * it is (store error or a lease another spooler has since taken).
 */
async function completeClaim(ctx: SettleContext, settled: SettledClaim, now: number): Promise<boolean> {
  const { claim, result } = settled;
  try {
    await ctx.store.complete({ leaseId: claim.leaseId, messageId: claim.messageId, recipientIndex: claim.recipientIndex, result, now });
  } catch (err) {
    const at = { messageId: claim.messageId, recipientIndex: claim.recipientIndex, provider: claim.provider };
    if (XportError.is(err, 'XPORT_STORE_STALE_LEASE')) ctx.logger.warn('claim was taken over before it completed', { ...at, state: result.state });
    // The lease stays; when it expires the recipient is claimed and attempted again (at least once).
    else ctx.logger.error('could not record a send result; the recipient will be retried', { ...at, state: result.state, error: String(err) });
    return false;
  }
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
export async function releaseClaims(ctx: Pick<SettleContext, 'store' | 'clock' | 'logger'>, claims: ReadonlyArray<Claim | StrandedClaim>, nextAttemptAt?: number): Promise<void> {
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
