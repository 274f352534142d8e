import { XportError, type Claim, type ClaimResult, type Clock, type Logger, type MessageStore, type StoredMessage, type StrandedClaim } from '@xport/provider-sdk';
import type { SpoolerEmitter, SpoolerEventName, SpoolerEvents } from './events.js';
import type { SpoolerHost } from './host.js';
import { isReportOwed, writeReport, type ReportedRecipient, type ReportEvent, type ReportKind } from './reports.js';

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
}

const REPORT_KINDS: readonly ReportKind[] = ['report.ndr', 'report.dr'];

function reportKindFor(result: ClaimResult): ReportKind | undefined {
  if (result.state === 'delivered') return 'report.dr';
  if (result.state === 'failed' || result.state === 'expired') return 'report.ndr';
  return undefined;
}

function toReported(settled: SettledClaim): ReportedRecipient {
  const { claim, result } = settled;
  const reported: { -readonly [K in keyof ReportedRecipient]: ReportedRecipient[K] } = {
    index: claim.recipientIndex,
    recipient: claim.recipient,
    provider: claim.provider,
    state: result.state as ReportedRecipient['state'],
    attempted: settled.attempted,
  };
  if ('error' in result && result.error) reported.error = result.error;
  if (settled.diagnostic !== undefined) reported.diagnostic = settled.diagnostic;
  return reported;
}

/**
 * Applies the results of one message's recipients that were settled together (one send, one expiry,
 * one sweep): writes the one report each kind owes for them — one NDR listing every recipient that
 * failed or expired, one delivery report for those delivered when asked — then completes each claim
 * and emits its event. A report is written before its claims complete, so a crash in between neither
 * loses nor duplicates it (its key names the message and the recipients; they are claimed again and
 * the second write is a no-op). A report that cannot be written leaves its claims leased, to be
 * settled again when the lease expires. Returns how many claims were completed.
 */
export async function settleClaims(ctx: SettleContext, stored: StoredMessage, settled: readonly SettledClaim[]): Promise<number> {
  const now = ctx.clock.now();
  const blocked = new Set<ReportKind>();
  for (const kind of REPORT_KINDS) {
    const owing = isReportOwed(kind, stored.envelope);
    const aboutReport = kind === 'report.ndr' && stored.envelope.kind !== 'note';
    // Most settles owe no report (deliveries without deliveryReport): nothing to filter, build or await.
    if (!owing && !aboutReport) continue;
    const owed = settled.filter((s) => reportKindFor(s.result) === kind);
    if (owed.length === 0) continue;
    if (!owing) {
      noteDroppedReport(ctx.logger, stored, owed);
      continue;
    }
    const event: ReportEvent = { kind, message: stored, recipients: owed.map(toReported) };
    try {
      await writeReport(ctx.host, event, now);
    } catch (err) {
      blocked.add(kind);
      ctx.logger.error('could not write a report; its recipients will be settled again', { messageId: stored.id, kind, recipients: owed.length, error: String(err) });
    }
  }
  let completed = 0;
  for (const s of settled) {
    const kind = reportKindFor(s.result);
    // The report these results owe is not written: completing them would lose it.
    if (kind !== undefined && blocked.has(kind)) continue;
    if (await completeClaim(ctx, s, now)) completed += 1;
  }
  return completed;
}

/** RFC 5321 §6.1: a report that cannot be delivered is not reported on; it is dropped, and said so. */
function noteDroppedReport(logger: Logger, stored: StoredMessage, failed: readonly SettledClaim[]): void {
  for (const { claim, result } of failed) {
    logger.warn('a report could not be delivered; it is dropped (no report about a report, RFC 5321 section 6.1)', {
      messageId: stored.id,
      kind: stored.envelope.kind,
      reportFor: stored.envelope.reportFor,
      recipientIndex: claim.recipientIndex,
      provider: claim.provider,
      error: 'error' in result ? result.error : undefined,
    });
  }
}

/**
 * Completes one claim and emits its event. Returns false when the claim was left as it is (store
 * error or a lease another spooler has since taken).
 */
async function completeClaim(ctx: SettleContext, settled: SettledClaim, now: number): Promise<boolean> {
  const { claim, result, diagnostic } = settled;
  try {
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
