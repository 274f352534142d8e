import { hasUtf8LocalPart, toAsciiDomain, type OutboundMessage, type Recipient } from '@xport/provider-sdk';
import addressparser from 'nodemailer/lib/addressparser/index.js';

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\u0000-\u007f]/;
// Extra headers nodemailer writes as address lists (From, To and Cc are the message's own fields).
const ADDRESS_HEADERS = new Set(['reply-to', 'sender']);

/**
 * An address as it goes into MAIL FROM / RCPT TO: an internationalized domain in its ASCII form,
 * which every relay understands (RFC 5321), the local part as it is. Only a non-ASCII local part
 * then needs SMTPUTF8.
 *
 * @example
 * toEnvelopeAddress('zoë@bücher.example') // 'zoë@xn--bcher-kva.example'
 */
export function toEnvelopeAddress(address: string): string {
  if (!NON_ASCII.test(address)) return address;
  const at = address.lastIndexOf('@');
  return `${address.slice(0, at)}@${toAsciiDomain(address.slice(at + 1))}`;
}

/**
 * The first address whose non-ASCII local part would be written into the message's header block
 * (From, To, Cc, Reply-To, Sender), or undefined. Such a header is RFC 6532 UTF-8: it can only go to
 * a relay that offers SMTPUTF8, whichever recipients the transaction has.
 */
export function findUtf8HeaderAddress(message: OutboundMessage, sender: Recipient | undefined): string | undefined {
  if (sender !== undefined && hasUtf8LocalPart(sender.address)) return sender.address;
  for (const { role, recipient } of message.recipients) {
    if (role !== 'bcc' && recipient.type === 'smtp' && hasUtf8LocalPart(recipient.address)) return recipient.address;
  }
  // for…in, not Object.entries: this runs for every message sent, and almost never finds anything.
  const headers = message.envelope.headers;
  for (const name in headers) {
    const value = headers[name] as string;
    if (!NON_ASCII.test(value) || !ADDRESS_HEADERS.has(name.toLowerCase())) continue;
    const found = addressparser(value, { flatten: true }).find((mailbox) => hasUtf8LocalPart(mailbox.address));
    if (found !== undefined) return found.address;
  }
  return undefined;
}
