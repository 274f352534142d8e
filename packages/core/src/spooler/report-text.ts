import { formatRecipient } from '@xport/provider-sdk';
import type { ReportEvent } from './reports.js';

function headline(event: ReportEvent): string {
  const many = event.recipients.length > 1;
  const below = many ? 'the recipients below' : 'the recipient below';
  if (event.kind === 'report.delay') {
    return `Your message has not yet been delivered to ${below}. Delivery will be attempted until ${new Date(event.message.expiresAt).toISOString()}; you do not need to send it again.`;
  }
  if (event.kind === 'report.dr' && event.recipients.some((r) => r.relayed === true)) {
    return `Your message was delivered or relayed to ${below}. A relayed message went on to a mail system that does not report delivery.`;
  }
  if (event.kind === 'report.dr') return `Your message was delivered to ${below}.`;
  if (event.recipients.every((r) => r.state === 'expired')) return `Your message could not be delivered to ${below} before it expired. No further attempts will be made.`;
  if (event.recipients.every((r) => r.state === 'failed')) return `Your message could not be delivered to ${below}. This is a permanent error.`;
  return `Your message could not be delivered to ${below}: some failed permanently, some expired. No further attempts will be made.`;
}

/**
 * The human-readable part of a report: the original message, then each recipient with its
 * transport, fate, enhanced status code and diagnostic (MAPI's NDR recipient table, as text).
 */
export function toReportText(event: ReportEvent, now: number, reportingMta: string): string {
  const { message } = event;
  const { envelope } = message;
  const lines = [
    `This is the xport spooler at ${reportingMta}.`,
    '',
    headline(event),
    '',
    `  Message:     ${message.id}${envelope.messageId ? ` (Message-ID ${envelope.messageId})` : ''}`,
    `  Subject:     ${envelope.subject ?? '(none)'}`,
    `  Submitted:   ${new Date(message.submittedAt).toISOString()}`,
    `  Reported:    ${new Date(now).toISOString()}`,
  ];
  for (const r of event.recipients) {
    lines.push('', `  Recipient:   ${formatRecipient(r.recipient)}`, `  Transport:   ${r.provider ?? '(none)'}`, `  Status:      ${r.relayed === true ? 'relayed' : r.state}`);
    if (r.error) lines.push(`  Code:        ${r.error.code}`, `  Diagnostic:  ${r.error.diagnostic}`);
    else if (r.diagnostic) lines.push(`  Diagnostic:  ${r.diagnostic}`);
  }
  lines.push('');
  return lines.join('\n');
}
