import type { Recipient } from './address.js';
import { foldField, toDsnDate, unfoldFields } from './dsn-text.js';
import type { MessageEnvelope, RecipientRole } from './message.js';
import { toAsciiDomain } from './smtp-address.js';

/** The media type of a report's copy of the original message's header (RFC 6522). */
export const RETURNED_HEADERS_TYPE = 'text/rfc822-headers';

// Header fields written from the envelope itself; a copy among the extra headers is left out.
const WRITTEN = new Set(['date', 'from', 'to', 'cc', 'bcc', 'subject', 'message-id']);
// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\u0000-\u007f]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/g;
// Bytes of UTF-8 per encoded word: 45 bytes are 60 characters of base64, within RFC 2047's 75.
const WORD_BYTES = 45;

/** RFC 2047 `B` encoded words for a text that is not US-ASCII; ASCII text as it is. */
function toEncodedWords(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    if (Buffer.byteLength(chunk + ch, 'utf8') > WORD_BYTES) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk !== '') words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join(' ');
}

function toMailbox(recipient: Recipient): string {
  const at = recipient.address.lastIndexOf('@');
  const address = at > 0 ? `${recipient.address.slice(0, at)}@${toAsciiDomain(recipient.address.slice(at + 1))}` : recipient.address;
  if (recipient.name === undefined) return address;
  const name = NON_ASCII.test(recipient.name) ? toEncodedWords(recipient.name) : `"${recipient.name.replace(/(["\\])/g, '\\$1')}"`;
  return `${name} <${address}>`;
}

export interface ReturnedHeadersInput {
  readonly envelope: MessageEnvelope;
  readonly recipients: ReadonlyArray<{ readonly recipient: Recipient; readonly role: RecipientRole }>;
  readonly submittedAt: number;
}

/**
 * The original message's header as a report returns it (`RET=HDRS`): Date, From, To, Cc, Subject,
 * Message-ID and the extra headers, in US-ASCII (RFC 2047 encoded words, ASCII domains), CRLF line
 * ends. Only `smtp` addresses are written as addresses (as a transport writing MIME would); Bcc never.
 *
 * @example
 * toReturnedHeaders({ envelope, recipients: stored.recipients, submittedAt: stored.submittedAt })
 * // 'Date: Wed, 01 Jan 2025 00:00:00 +0000\r\nFrom: ada@example.org\r\nTo: bob@example.net\r\nSubject: hi\r\n'
 */
export function toReturnedHeaders(input: ReturnedHeadersInput): string {
  const { envelope } = input;
  const extra = Object.entries(envelope.headers).filter(([name]) => !WRITTEN.has(name.toLowerCase()));
  const date = Object.entries(envelope.headers).find(([name]) => name.toLowerCase() === 'date')?.[1];
  const shown = (role: RecipientRole): string[] => input.recipients.filter((r) => r.role === role && r.recipient.type === 'smtp').map((r) => toMailbox(r.recipient));
  const lines = [`Date: ${date ?? toDsnDate(input.submittedAt)}`];
  if (envelope.from?.type === 'smtp') lines.push(foldField('From', toMailbox(envelope.from)));
  const to = shown('to');
  const cc = shown('cc');
  if (to.length > 0) lines.push(foldField('To', to.join(', ')));
  if (cc.length > 0) lines.push(foldField('Cc', cc.join(', ')));
  if (envelope.subject !== undefined) lines.push(foldField('Subject', toEncodedWords(envelope.subject.replace(CONTROL, ' '))));
  if (envelope.messageId !== undefined) lines.push(`Message-ID: ${envelope.messageId}`);
  for (const [name, value] of extra) lines.push(foldField(name, toEncodedWords(value.replace(CONTROL, ' '))));
  return lines.map((line) => `${line}\r\n`).join('');
}

/**
 * The Message-ID of the original message a report returns (its `text/rfc822-headers` part, or the
 * header of a returned `message/rfc822`), angle brackets included; undefined when it has none.
 *
 * @example
 * findReturnedMessageId('From: ada@example.org\r\nMessage-ID: <m1@example.org>\r\n\r\nbody') // '<m1@example.org>'
 */
export function findReturnedMessageId(text: string): string | undefined {
  // Only the header block: a returned body may quote another message's header.
  const end = text.search(/\r?\n\r?\n/);
  const header = unfoldFields(end < 0 ? text.slice(0, 256 * 1024) : text.slice(0, end))[0];
  const id = header?.get('message-id')?.match(/<[^<>\s]+>/)?.[0];
  return id;
}
