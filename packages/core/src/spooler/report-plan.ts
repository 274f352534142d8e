import {
  findRecipientDsn,
  wantsReport,
  type Claim,
  type ClaimResult,
  type DsnHandOff,
  type Logger,
  type MessageEnvelope,
  type RecipientOutcome,
  type StoredMessage,
} from '@xport/provider-sdk';
import { DEFAULT_REPORT_OPTIONS } from './report-options.js';
import { isReportOwed, writeReport, type ReportedRecipient, type ReportEvent, type ReportKind } from './reports.js';
import type { SettleContext, SettledClaim } from './settle-claim.js';

/** A settled send whose transport said how the delivery left xport (RFC 3461 §5.2). */
interface SettledHandOff extends SettledClaim {
  readonly handOff?: DsnHandOff;
}

const REPORT_KINDS: readonly ReportKind[] = ['report.ndr', 'report.dr', 'report.delay'];

/** The report a claim result can owe: a failure or expiry an NDR, a delivery a delivery report, a deferral a delay report. */
function reportKindFor(result: ClaimResult): ReportKind | undefined {
  if (result.state === 'delivered') return 'report.dr';
  if (result.state === 'failed' || result.state === 'expired') return 'report.ndr';
  return result.state === 'deferred' ? 'report.delay' : undefined;
}

/** One recipient's result of a send, as a settle takes it: with the transport's diagnostic and hand-off when it delivered. */
export function toSettledSend(claim: Claim, result: ClaimResult, outcome: RecipientOutcome): SettledClaim {
  if (outcome.status === 'failed') return { claim, result, attempted: true, refused: true };
  if (outcome.status !== 'delivered' || (outcome.diagnostic === undefined && outcome.handOff === undefined)) return { claim, result, attempted: true };
  const settled: { -readonly [K in keyof SettledHandOff]: SettledHandOff[K] } = { claim, result, attempted: true };
  if (outcome.diagnostic !== undefined) settled.diagnostic = outcome.diagnostic;
  if (outcome.handOff === 'relayed' || outcome.handOff === 'passed-on') settled.handOff = outcome.handOff;
  return settled;
}

/**
 * The delay rule, which needs no stored flag: a deferred recipient gets its one delay report on the
 * attempt that was due at or before the threshold (submission + `delayAfterMs`) and settled at or
 * after it. Attempts follow each other (each is due after the previous one settled), so exactly one
 * attempt spans the threshold — provided a deferral never schedules its next attempt past it, which
 * `aimAtDelayThreshold` sees to. A recipient delivered, failed or expired by then gets no delay report.
 */
function spansDelayThreshold(stored: StoredMessage, index: number, now: number, delayAfterMs: number): boolean {
  const threshold = stored.submittedAt + delayAfterMs;
  const due = stored.recipients[index]?.nextAttemptAt ?? stored.submittedAt;
  return due <= threshold && threshold <= now;
}

/** Whether this recipient's own request (NOTIFY, and the hand-off of a delivery) asks for a report of this kind. */
function isAskedFor(kind: ReportKind, envelope: MessageEnvelope, settled: SettledClaim): boolean {
  const { notify } = findRecipientDsn(envelope.dsn, settled.claim.recipient);
  if (kind === 'report.ndr') return wantsReport(notify, 'failure');
  if (kind === 'report.delay') return wantsReport(notify, 'delay');
  // A next hop that took the DSN request reports delivery itself (RFC 3461 §5.2.2).
  return envelope.deliveryReport || (wantsReport(notify, 'success') && (settled as SettledHandOff).handOff !== 'passed-on');
}

/**
 * A deferral of a recipient that asked for delay reports is not scheduled past the delay threshold:
 * its next attempt comes at the threshold at the latest, so the report goes out on time (see
 * `spansDelayThreshold`). Other results are returned as they are.
 */
function aimAtDelayThreshold(stored: StoredMessage, settled: readonly SettledClaim[], delayAfterMs: number, now: number): readonly SettledClaim[] {
  if (!isReportOwed('report.delay', stored.envelope)) return settled;
  const threshold = stored.submittedAt + delayAfterMs;
  return settled.map((s) => {
    const { result } = s;
    if (result.state !== 'deferred' || now >= threshold || result.nextAttemptAt <= threshold || !isAskedFor('report.delay', stored.envelope, s)) return s;
    return { ...s, result: { ...result, nextAttemptAt: threshold } };
  });
}

function toReported(settled: SettledClaim, stored: StoredMessage): ReportedRecipient {
  const { claim, result } = settled;
  const reported: { -readonly [K in keyof ReportedRecipient]: ReportedRecipient[K] } = {
    index: claim.recipientIndex,
    recipient: claim.recipient,
    provider: claim.provider,
    state: result.state === 'deferred' ? 'delayed' : (result.state as ReportedRecipient['state']),
    attempted: settled.attempted,
  };
  if ('error' in result && result.error) reported.error = result.error;
  if (settled.diagnostic !== undefined) reported.diagnostic = settled.diagnostic;
  if ((settled as SettledHandOff).handOff === 'relayed') reported.relayed = true;
  const { originalRecipient } = findRecipientDsn(stored.envelope.dsn, claim.recipient);
  if (originalRecipient !== undefined) reported.originalRecipient = originalRecipient;
  return reported;
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
 * Writes the reports one settle owes — one per kind, listing the recipients that reached that fate
 * together and asked for it (NOTIFY; without one, failures only): an NDR, a delivery report, a
 * delay report — and returns the results to complete (deferrals aimed at the delay threshold),
 * the recipients (indexes) whose report could not be written (their claims must stay leased, to be
 * settled again, or the report would be lost) and how many reports were written.
 */
export async function writeOwedReports(
  ctx: SettleContext,
  stored: StoredMessage,
  settled: readonly SettledClaim[],
  now: number,
): Promise<{ readonly results: readonly SettledClaim[]; readonly held: ReadonlySet<number>; readonly written: number }> {
  const held = new Set<number>();
  let written = 0;
  const { delayAfterMs } = ctx.host.reports ?? DEFAULT_REPORT_OPTIONS;
  const results = aimAtDelayThreshold(stored, settled, delayAfterMs, now);
  for (const kind of REPORT_KINDS) {
    const owing = isReportOwed(kind, stored.envelope);
    const aboutReport = kind === 'report.ndr' && stored.envelope.kind !== 'note';
    // Most settles owe no report (deliveries without a request): nothing to filter, build or await.
    if (!owing && !aboutReport) continue;
    const reached = results.filter((s) => reportKindFor(s.result) === kind);
    if (reached.length === 0) continue;
    if (!owing) {
      noteDroppedReport(ctx.logger, stored, reached);
      continue;
    }
    const owed = reached.filter(
      (s) => isAskedFor(kind, stored.envelope, s) && (kind !== 'report.delay' || spansDelayThreshold(stored, s.claim.recipientIndex, now, delayAfterMs)),
    );
    if (owed.length === 0) continue;
    const event: ReportEvent = { kind, message: stored, recipients: owed.map((s) => toReported(s, stored)) };
    try {
      if ((await writeReport(ctx.host, event, now)) !== undefined) written += 1;
    } catch (err) {
      for (const s of owed) held.add(s.claim.recipientIndex);
      ctx.logger.error('could not write a report; its recipients will be settled again', { messageId: stored.id, kind, recipients: owed.length, error: String(err) });
    }
  }
  return { results, held, written };
}
