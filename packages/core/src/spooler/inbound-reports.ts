import { findRecipientDsn, wantsReport, type DsnRequest, type InboundMessage, type MessageEnvelope, type Recipient } from '@xport/provider-sdk';
import type { SpoolerHost } from './host.js';
import { writeReport, type ReportedRecipient, type ReportEvent } from './reports.js';

type ReportingHost = Pick<SpoolerHost, 'store' | 'logger' | 'options' | 'reports' | 'routing'>;

/**
 * The success report a received message owes (RFC 3461 §6.2: storing it in the recipient's mailbox
 * is its final delivery): for the recipients the transport named in `dsn` whose NOTIFY asks for
 * `success`, to the return path, when there is one. A report, a recognised DSN, or a message
 * nobody asked about owes none. Undefined when none is owed.
 */
export function toDeliveredEvent(
  message: InboundMessage,
  dsn: DsnRequest | undefined,
  envelope: MessageEnvelope,
  delivered: { readonly id: string; readonly receivedAt: number; readonly expiresAt: number },
): ReportEvent | undefined {
  const returnPath: Recipient | undefined = message.returnPath;
  if (dsn?.recipients === undefined || returnPath === undefined || envelope.kind !== 'note') return undefined;
  const asked = dsn.recipients.filter((r) => wantsReport(findRecipientDsn(dsn, r.recipient).notify, 'success'));
  if (asked.length === 0) return undefined;
  const recipients = asked.map((r, index): ReportedRecipient => {
    const reported: { -readonly [K in keyof ReportedRecipient]: ReportedRecipient[K] } = { index, recipient: r.recipient, provider: message.receivedBy ?? null, state: 'delivered', attempted: false };
    if (r.originalRecipient !== undefined) reported.originalRecipient = r.originalRecipient;
    return reported;
  });
  return {
    kind: 'report.dr',
    // The report is about the message as it arrived, sent back to its return path.
    message: {
      id: delivered.id,
      envelope: { ...envelope, from: returnPath },
      recipients: asked.map((r) => ({ recipient: r.recipient, role: 'to' })),
      // A success report returns the header only: the parts are not read.
      parts: [],
      submittedAt: delivered.receivedAt,
      expiresAt: delivered.expiresAt,
    },
    recipients,
  };
}

/**
 * Writes the success report of a received message, once (its key names the first inbox entry, so a
 * hand-over the transport repeats with the same idempotency key writes nothing new). The message
 * is already kept: a report that cannot be written is logged, not turned into a refusal that would
 * make the sender send the message again.
 */
export async function writeDeliveredReport(host: ReportingHost, event: ReportEvent, now: number): Promise<void> {
  try {
    await writeReport(host, event, now);
  } catch (err) {
    host.logger.error('could not write the success report of a received message', { entryId: event.message.id, recipients: event.recipients.length, error: String(err) });
  }
}
