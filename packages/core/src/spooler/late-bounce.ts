import { asyncBounceTransition, findRecipientDsn, wantsReport, type Recipient, type RecipientError, type StoredMessage } from '@xport/provider-sdk';
import { correlateBounce, isForgedReturnPath, type CorrelatedFailure } from './bounce-correlation.js';
import type { SpoolerHost } from './host.js';
import type { RecognisedDsn } from './inbound-bounce.js';
import { isReportOwed, writeReport, type ReportedRecipient } from './reports.js';
import { recordHardBounces } from './suppression.js';

type LateBounceHost = Pick<SpoolerHost, 'store' | 'logger' | 'options' | 'reports' | 'routing' | 'verp'>;

/** What a recognised bounce did to the messages xport sent. */
export interface LateBounceOutcome {
  /** Failed blocks tied to a recipient xport sent (whatever that recipient's state). */
  readonly correlated: readonly CorrelatedFailure[];
  /** Those that turned a delivered recipient into a failed one. */
  readonly failed: readonly CorrelatedFailure[];
  /** True when it came to a VERP return path whose token xport did not write: nothing in it is trusted. */
  readonly forged: boolean;
}

function toReported(failure: CorrelatedFailure): ReportedRecipient {
  const stored = failure.message.recipients[failure.recipientIndex]!;
  const reported: { -readonly [K in keyof ReportedRecipient]: ReportedRecipient[K] } = {
    index: failure.recipientIndex,
    recipient: stored.recipient,
    provider: stored.provider,
    state: 'failed',
    error: failure.error,
    attempted: true,
  };
  const { originalRecipient } = findRecipientDsn(failure.message.envelope.dsn, stored.recipient);
  if (originalRecipient !== undefined) reported.originalRecipient = originalRecipient;
  return reported;
}

/**
 * Writes the NDR the late failures of one message owe (one report for the recipients one bounce
 * failed together, as for any settle), before they are recorded: its idempotency key names the
 * message and the recipients, so the same bounce twice writes one report. False when it could not be written.
 */
async function reportLateFailures(host: LateBounceHost, message: StoredMessage, failures: readonly CorrelatedFailure[], now: number): Promise<boolean> {
  if (!isReportOwed('report.ndr', message.envelope)) return true;
  const owed = failures.filter((f) => wantsReport(findRecipientDsn(message.envelope.dsn, message.recipients[f.recipientIndex]!.recipient).notify, 'failure'));
  if (owed.length === 0) return true;
  try {
    await writeReport(host, { kind: 'report.ndr', message, recipients: owed.map(toReported) }, now);
    return true;
  } catch (err) {
    host.logger.error('could not write the report of a late bounce; the recipients stay delivered and the bounce stays in the bounce mailbox', {
      messageId: message.id,
      recipients: owed.length,
      error: String(err),
    });
    return false;
  }
}

/**
 * The lifecycle's "async bounce": a relay accepted a recipient and bounced it later. Each failed
 * recipient of the DSN that `correlateBounce` ties to a recipient still `delivered` is reported to
 * the original sender (an NDR in its mailbox, or a DSN through its transport, as for any failure;
 * never about a report), then failed with the bounce's status and diagnostic by the store
 * (`BounceStore.failDelivered`), and its hard bounce counted for the suppression list. A recipient in
 * any other state is left as it is, so the same bounce twice changes nothing. A `delayed` DSN
 * changes nothing (logged).
 */
export async function applyLateBounce(host: LateBounceHost, dsn: RecognisedDsn, now: number): Promise<LateBounceOutcome> {
  for (const r of dsn.status.recipients) {
    if (r.action === 'delayed') host.logger.info('a delayed DSN changes no state', { address: r.finalRecipient.value, status: r.status, envelopeId: dsn.envelopeId });
  }
  if (isForgedReturnPath(host, dsn)) {
    host.logger.warn('a bounce came to a VERP return path xport did not write; it is kept in the bounce mailbox and changes nothing', { verpToken: dsn.verpToken });
    return { correlated: [], failed: [], forged: true };
  }
  const correlated = await correlateBounce(host, dsn);
  const bounces = host.store.bounces;
  if (bounces === undefined || correlated.length === 0) return { correlated, failed: [], forged: false };
  const byMessage = new Map<string, CorrelatedFailure[]>();
  for (const failure of correlated) {
    const current = failure.message.recipients[failure.recipientIndex]!;
    if (asyncBounceTransition(current.state, failure.error) === undefined) {
      host.logger.info('a late bounce for a recipient that is not delivered changes nothing', { messageId: failure.message.id, recipientIndex: failure.recipientIndex, state: current.state, via: failure.via });
      continue;
    }
    const list = byMessage.get(failure.message.id) ?? [];
    if (!list.some((f) => f.recipientIndex === failure.recipientIndex)) list.push(failure);
    byMessage.set(failure.message.id, list);
  }
  const failed: CorrelatedFailure[] = [];
  const counted: Array<{ recipient: Recipient; error: RecipientError }> = [];
  for (const failures of byMessage.values()) {
    const message = failures[0]!.message;
    // A report owes none (isReportOwed): its late failure is recorded, never reported on.
    if (!(await reportLateFailures(host, message, failures, now))) continue;
    for (const failure of failures) {
      const receipt = await bounces.failDelivered({ messageId: message.id, recipientIndex: failure.recipientIndex, error: failure.error, now });
      if (!receipt.failed) continue;
      failed.push(failure);
      const recipient = message.recipients[failure.recipientIndex]!.recipient;
      counted.push({ recipient, error: failure.error });
      host.logger.info('a delivered recipient failed by a late bounce', { messageId: message.id, recipientIndex: failure.recipientIndex, status: failure.error.code, via: failure.via });
    }
  }
  // Counted once, when the recipient flipped: the same bounce again flips nothing and counts nothing.
  await recordHardBounces(host, counted, now);
  return { correlated, failed, forged: false };
}
