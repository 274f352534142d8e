import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type Mail from 'nodemailer/lib/mailer/index.js';
import MimeNode from 'nodemailer/lib/mime-node/index.js';
import { DELIVERY_STATUS_TYPE, readWholePart, type OutboundMessage } from '@xport/provider-sdk';
import { toEnvelopeAddress } from './international-addresses.js';
import { newMessageId, type MailBuild } from './mime-message.js';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\u0000-\u007f]/;
// Written from the report's own fields or its MIME structure.
const OWNED_HEADERS = new Set(['to', 'cc', 'bcc', 'subject', 'message-id', 'date', 'mime-version', 'content-type', 'content-transfer-encoding', 'content-disposition']);

/** Whether a queued message is a report the kernel wrote (an NDR, a delivery or a delay report), to be sent as a DSN. */
export function isReportMessage(message: OutboundMessage): boolean {
  return message.envelope.kind === 'report.ndr' || message.envelope.kind === 'report.dr' || message.envelope.kind === 'report.delay';
}

function domainOf(from: string | undefined): string {
  const address = /<([^<>]*)>\s*$/.exec(from ?? '')?.[1] ?? from ?? '';
  const at = address.lastIndexOf('@');
  return at > 0 ? address.slice(at + 1) : hostname();
}

/**
 * A report as RFC 3464 sends it: `multipart/report; report-type=delivery-status` (RFC 6522) whose
 * parts are the report's own, in order — the text a person reads, the `message/delivery-status`
 * fields (7bit: a message/* part is never encoded) and the returned `text/rfc822-headers` — with the null
 * reverse path (`MAIL FROM:<>`, RFC 5321 §4.5.5) so that it can never cause another report.
 * nodemailer's MimeNode writes the MIME (its MailComposer knows only multipart/mixed and
 * alternative); the parts are small and read whole. The From header is the report's (the kernel's
 * `MAILER-DAEMON@<reportingMta>`).
 */
export async function toReportMailOptions(message: OutboundMessage, envelopeTo: readonly string[]): Promise<MailBuild> {
  const env = message.envelope;
  // newline 'windows': every line ends in CRLF, whatever the stored text used (a bare LF is refused by strict receivers).
  const root = new MimeNode('multipart/report; report-type=delivery-status', { baseBoundary: randomUUID(), newline: 'windows' });
  let from: string | undefined;
  for (const [name, value] of Object.entries(env.headers)) {
    if (OWNED_HEADERS.has(name.toLowerCase()) || CONTROL.test(value) || CONTROL.test(name)) continue;
    if (name.toLowerCase() === 'from') from = value;
    root.setHeader(name, value);
  }
  const to = message.recipients.filter((r) => r.role !== 'bcc' && r.recipient.type === 'smtp').map((r) => r.recipient.address);
  root.setHeader('To', to.join(', '));
  if (env.subject !== undefined) root.setHeader('Subject', env.subject);
  root.setHeader('Date', new Date(message.submittedAt).toUTCString().replace(/GMT$/, '+0000'));
  root.setHeader('Message-ID', env.messageId ?? newMessageId(undefined, domainOf(from)));
  for (const part of message.parts) {
    const content = await readWholePart(message, part.partId);
    const type = part.contentType.split(';')[0]!.trim().toLowerCase();
    const node = root.createChild(part.contentType);
    // A message/* part may not be encoded (RFC 2046 §5.2): it travels 7bit, which the kernel's fields are.
    if (type === DELIVERY_STATUS_TYPE && !NON_ASCII.test(content.toString('latin1'))) node.setHeader('Content-Transfer-Encoding', '7bit');
    // Text as a string: MimeNode then sends plain ASCII (the returned header) 7bit, and encodes the rest.
    node.setContent(type.startsWith('text/') ? content.toString('utf8') : content);
  }
  const raw = await root.build();
  const envelope = { from: '', to: envelopeTo.map(toEnvelopeAddress), size: raw.length } as unknown as Mail.Envelope;
  return { options: { envelope, raw }, estimatedSize: raw.length };
}
