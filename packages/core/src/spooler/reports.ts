import { createHash } from 'node:crypto';
import { toMailboxKey, wantsReport, type DsnTypedValue, type MessageEnvelope, type Recipient, type RecipientError, type StoredMessage, type StoredRecipient } from '@xport/provider-sdk';

/**
 * What a report reads of the message it is about: a queued message (`StoredMessage`) is one; so is a
 * message the inbound path delivered to its mailboxes (its id is its first inbox entry's).
 */
export interface ReportedMessage extends Pick<StoredMessage, 'id' | 'envelope' | 'parts' | 'submittedAt' | 'expiresAt'> {
  readonly recipients: ReadonlyArray<Pick<StoredRecipient, 'recipient' | 'role'>>;
}
import type { SpoolerHost } from './host.js';
import { toReportContent } from './report-content.js';
import { DEFAULT_REPORT_OPTIONS } from './report-options.js';
import { toReportRoute } from './report-route.js';
import { toReturnedMessage } from './returned-message.js';

export type ReportKind = 'report.ndr' | 'report.dr' | 'report.delay';

/** One recipient as a report tells its fate. */
export interface ReportedRecipient {
  readonly index: number;
  readonly recipient: Recipient;
  readonly provider: string | null;
  readonly state: 'delivered' | 'failed' | 'expired' | 'delayed';
  readonly error?: RecipientError;
  /** What the transport said about a delivery. */
  readonly diagnostic?: string;
  /** True when this fate came from a send attempt (then the report gives its time). */
  readonly attempted: boolean;
  /** Delivered to a next hop that does not take DSN requests: `Action: relayed` (RFC 3461 §5.2.2). */
  readonly relayed?: boolean;
  /** The ORCPT the sender gave for it. */
  readonly originalRecipient?: DsnTypedValue;
}

/**
 * One report: the recipients of one message that reached their fate together — failed or expired at
 * submit, in one settle of a send, or in one sweep (an NDR); delivered in one settle (a delivery
 * report); deferred past `reports.delayAfterMs` in one settle (a delay report). MAPI's NDR lists its
 * recipient table; so does this.
 */
export interface ReportEvent {
  readonly kind: ReportKind;
  readonly message: ReportedMessage;
  readonly recipients: readonly ReportedRecipient[];
}

// Whether any recipient's NOTIFY (or the message's) asks for `event`; neither is asked by default.
const asks = (envelope: MessageEnvelope, event: 'success' | 'delay'): boolean => {
  const { dsn } = envelope;
  return dsn !== undefined && (wantsReport(dsn.notify, event) || (dsn.recipients ?? []).some((r) => wantsReport(r.notify, event)));
};

/**
 * Whether a report of this kind may be owed for some recipient of the message (each recipient's
 * NOTIFY then decides for it). Never about a report (no bounce loops), never without a sender to
 * tell (the null sender), no NDR when the message asked for none, a delivery report only on request
 * (`deliveryReport`, or NOTIFY=SUCCESS), a delay report only on request (NOTIFY=DELAY).
 */
export function isReportOwed(kind: ReportKind, envelope: MessageEnvelope): boolean {
  if (envelope.kind !== 'note' || envelope.from === undefined) return false;
  if (kind === 'report.ndr') return !envelope.suppressNdr;
  return kind === 'report.dr' ? envelope.deliveryReport || asks(envelope, 'success') : asks(envelope, 'delay');
}

const KEY_KINDS: Readonly<Record<ReportKind, string>> = { 'report.ndr': 'ndr', 'report.dr': 'dr', 'report.delay': 'delay' };

/**
 * The idempotency key of a report: its kind, its message and the set of recipients it tells about.
 * A settle retried after a crash (the same recipients, the same fate) writes nothing new; a later
 * event of the same message is another set, so another report.
 */
export function toReportKey(event: ReportEvent): string {
  const indexes = event.recipients.map((r) => r.index).sort((a, b) => a - b);
  const set = createHash('sha256').update(indexes.join(',')).digest('hex').slice(0, 32);
  return `xport.report:${KEY_KINDS[event.kind]}:${event.message.id}:${set}`;
}

/**
 * Writes the report an event owes, once: into the sender's mailbox, or as a standard DSN queued for
 * the sender's transport (`reports.byAddressType`). Called before the claims are completed: if the
 * process dies in between, the recipients are claimed again and the same key makes the second write
 * a no-op. Returns how it was written, or undefined when none is owed.
 */
export async function writeReport(host: Pick<SpoolerHost, 'store' | 'reports' | 'routing' | 'options'>, event: ReportEvent, now: number): Promise<'mailbox' | 'dsn' | undefined> {
  const { envelope } = event.message;
  const from = envelope.from;
  if (from === undefined || event.recipients.length === 0 || !isReportOwed(event.kind, envelope)) return undefined;
  const options = host.reports ?? DEFAULT_REPORT_OPTIONS;
  const route = toReportRoute(from, options, host.routing());
  // RET=FULL returns the whole original with a failure report; every other report its header (RFC 3461 §4.3).
  const full = event.kind === 'report.ndr' && envelope.dsn?.ret === 'full' ? await toReturnedMessage(host.store, event.message) : undefined;
  const content = toReportContent(event, now, options, full);
  const key = toReportKey(event);
  if (route.kind === 'mailbox') {
    await host.store.receive({ mailboxes: [toMailboxKey(from)], envelope: content.envelope, parts: content.parts, receivedAt: now, idempotencyKey: key });
    return 'mailbox';
  }
  // The DSN is queued like any message, under the null sender: its own failure owes no report.
  await host.store.submit({
    envelope: content.envelope,
    recipients: [{ recipient: from, role: 'to', provider: route.provider }],
    parts: content.parts,
    submittedAt: now,
    expiresAt: now + host.options.retry.lifetimeMs,
    idempotencyKey: key,
  });
  return 'dsn';
}
