import {
  DELIVERY_STATUS_TYPE,
  RETURNED_HEADERS_TYPE,
  toDeliveryStatusText,
  toDsnAddress,
  toDsnDiagnostic,
  toReturnedHeaders,
  type ContentPartInput,
  type DeliveryStatusRecipient,
  type MessageEnvelope,
} from '@xport/provider-sdk';
import type { ReportOptions } from './report-options.js';
import type { ReportedRecipient, ReportEvent } from './reports.js';
import { toReportText } from './report-text.js';
import { RETURNED_MESSAGE_TYPE } from './returned-message.js';
import { SpoolerEnhancedStatus } from './enhanced-status.js';

const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3}$/;
const SUBJECTS: Readonly<Record<ReportEvent['kind'], string>> = { 'report.ndr': 'Undeliverable', 'report.dr': 'Delivered', 'report.delay': 'Delayed' };

/** A report as the store keeps it: the envelope (no sender: the null reverse path) and its three parts. */
export interface ReportContent {
  readonly envelope: MessageEnvelope;
  readonly parts: ContentPartInput[];
}

function toStatus(r: ReportedRecipient): string {
  if (r.state === 'delayed') return r.error !== undefined && /^4\./.test(r.error.code) && ENHANCED.test(r.error.code) ? r.error.code : '4.0.0';
  if (r.error !== undefined && ENHANCED.test(r.error.code)) return r.error.code;
  if (r.state === 'delivered') return '2.0.0';
  return r.state === 'expired' ? SpoolerEnhancedStatus.expired : '5.0.0';
}

function toAction(r: ReportedRecipient): DeliveryStatusRecipient['action'] {
  if (r.state === 'delivered') return r.relayed === true ? 'relayed' : 'delivered';
  return r.state === 'delayed' ? 'delayed' : 'failed';
}

function toDsnRecipient(r: ReportedRecipient, now: number, expiresAt: number): DeliveryStatusRecipient {
  const block: { -readonly [K in keyof DeliveryStatusRecipient]: DeliveryStatusRecipient[K] } = {
    finalRecipient: toDsnAddress(r.recipient),
    action: toAction(r),
    status: toStatus(r),
  };
  if (r.originalRecipient !== undefined) block.originalRecipient = r.originalRecipient;
  const diagnostic = r.error?.diagnostic ?? r.diagnostic;
  if (diagnostic !== undefined && diagnostic !== '') block.diagnosticCode = toDsnDiagnostic(diagnostic);
  if (r.attempted) block.lastAttemptDate = now;
  if (r.state === 'delayed') block.willRetryUntil = expiresAt;
  return block;
}

/**
 * The report of an event as an RFC 3464 delivery status notification's parts, in order: the text a
 * person reads, the `message/delivery-status` fields (per message: Reporting-MTA, Original-Envelope-Id
 * when the sender gave an ENVID, Arrival-Date; per recipient: Original-Recipient when it gave an
 * ORCPT, Final-Recipient, Action, Status, Diagnostic-Code, Last-Attempt-Date, Will-Retry-Until for a
 * delay) and the original: `returned`, the whole message (RET=FULL, `message/rfc822`), when given,
 * else its header (`text/rfc822-headers`). A mailbox keeps these parts as they are; a transport that
 * writes MIME puts them in a `multipart/report; report-type=delivery-status`.
 */
export function toReportContent(event: ReportEvent, now: number, options: ReportOptions, returned?: string): ReportContent {
  const { message } = event;
  const original = message.envelope;
  const status = toDeliveryStatusText({
    reportingMta: { type: 'dns', value: options.reportingMta },
    ...(original.dsn?.envelopeId === undefined ? {} : { originalEnvelopeId: original.dsn.envelopeId }),
    arrivalDate: message.submittedAt,
    recipients: event.recipients.map((r) => toDsnRecipient(r, now, message.expiresAt)),
  });
  const envelope: { -readonly [K in keyof MessageEnvelope]: MessageEnvelope[K] } = {
    subject: `${SUBJECTS[event.kind]}: ${original.subject ?? '(no subject)'}`,
    headers: { From: `Mail Delivery System <MAILER-DAEMON@${options.reportingMta}>`, 'Auto-Submitted': 'auto-replied' },
    kind: event.kind,
    reportFor: message.id,
    deliveryReport: false,
    suppressNdr: true,
  };
  return {
    envelope,
    parts: [
      { kind: 'text', contentType: 'text/plain; charset=utf-8', content: toReportText(event, now, options.reportingMta) },
      { kind: 'attachment', contentType: DELIVERY_STATUS_TYPE, content: status },
      returned === undefined
        ? { kind: 'attachment', contentType: RETURNED_HEADERS_TYPE, content: toReturnedHeaders({ envelope: original, recipients: message.recipients, submittedAt: message.submittedAt }) }
        : { kind: 'attachment', contentType: RETURNED_MESSAGE_TYPE, content: returned },
    ],
  };
}
