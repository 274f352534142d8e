import {
  formatRecipient,
  toMailboxKey,
  type MessageEnvelope,
  type MessageStore,
  type Recipient,
  type RecipientError,
  type ReceiveRequest,
} from '@xport/provider-sdk';

export type ReportKind = 'report.ndr' | 'report.dr';

/** One recipient's fate, as a report tells it. */
export interface ReportFacts {
  readonly kind: ReportKind;
  readonly messageId: string;
  readonly envelope: MessageEnvelope;
  readonly submittedAt: number;
  readonly recipientIndex: number;
  readonly recipient: Recipient;
  readonly provider: string | null;
  readonly state: 'delivered' | 'failed' | 'expired';
  readonly error?: RecipientError;
  readonly diagnostic?: string;
}

/**
 * Whether a report of this kind is owed. Never about a report (no bounce loops), never without a
 * sender to tell, no NDR when the message asked for none, and a delivery report only on request.
 */
export function isReportOwed(kind: ReportKind, envelope: MessageEnvelope): boolean {
  if (envelope.kind !== 'note' || envelope.from === undefined) return false;
  return kind === 'report.ndr' ? !envelope.suppressNdr : envelope.deliveryReport;
}

/** The idempotency key of a report: one per recipient, so a retry never writes it twice. */
export function toReportKey(kind: ReportKind, messageId: string, recipientIndex: number): string {
  return `${kind === 'report.ndr' ? 'ndr' : 'dr'}:${messageId}:${recipientIndex}`;
}

/** The human-readable body: the original message, the recipient, its code and diagnostic. */
export function toReportText(facts: ReportFacts, now: number): string {
  const { envelope } = facts;
  const headline =
    facts.kind === 'report.dr'
      ? 'Your message was delivered to the recipient below.'
      : facts.state === 'expired'
        ? 'Your message could not be delivered to the recipient below before it expired. No further attempts will be made.'
        : 'Your message could not be delivered to the recipient below. This is a permanent error.';
  const lines = [
    'This is the xport spooler.',
    '',
    headline,
    '',
    `  Message:     ${facts.messageId}${envelope.messageId ? ` (Message-ID ${envelope.messageId})` : ''}`,
    `  Subject:     ${envelope.subject ?? '(none)'}`,
    `  Submitted:   ${new Date(facts.submittedAt).toISOString()}`,
    `  Recipient:   ${formatRecipient(facts.recipient)}`,
    `  Transport:   ${facts.provider ?? '(none)'}`,
    `  Status:      ${facts.state}`,
  ];
  if (facts.error) lines.push(`  Code:        ${facts.error.code}`, `  Diagnostic:  ${facts.error.diagnostic}`);
  else if (facts.diagnostic) lines.push(`  Diagnostic:  ${facts.diagnostic}`);
  lines.push(`  Reported:    ${new Date(now).toISOString()}`, '');
  return lines.join('\n');
}

/** The inbox write for a report, into the sender's mailbox. Undefined when no report is owed. */
export function toReportRequest(facts: ReportFacts, now: number): ReceiveRequest | undefined {
  const from = facts.envelope.from;
  if (!from || !isReportOwed(facts.kind, facts.envelope)) return undefined;
  const prefix = facts.kind === 'report.dr' ? 'Delivered' : 'Undeliverable';
  return {
    mailboxes: [toMailboxKey(from)],
    envelope: {
      subject: `${prefix}: ${facts.envelope.subject ?? '(no subject)'}`,
      headers: {},
      kind: facts.kind,
      reportFor: facts.messageId,
      deliveryReport: false,
      suppressNdr: true,
    },
    parts: [{ kind: 'text', contentType: 'text/plain; charset=utf-8', content: toReportText(facts, now) }],
    receivedAt: now,
    idempotencyKey: toReportKey(facts.kind, facts.messageId, facts.recipientIndex),
  };
}

/**
 * Writes the report if one is owed. Called before the claim is completed: if the process dies in
 * between, the recipient is claimed again and the same key makes the second write a no-op.
 */
export async function writeReport(store: MessageStore, facts: ReportFacts, now: number): Promise<boolean> {
  const request = toReportRequest(facts, now);
  if (!request) return false;
  await store.receive(request);
  return true;
}
