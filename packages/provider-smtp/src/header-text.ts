import iconv from 'iconv-lite';
import libmime from 'libmime';
import addressparser from 'nodemailer/lib/addressparser/index.js';

// Header fields whose value is an address list: their display names are decoded one by one, so an
// encoded word that decodes to "," or '"' cannot change where one address ends and the next begins.
const ADDRESS_FIELDS = new Set([
  'from', 'sender', 'reply-to', 'to', 'cc', 'bcc',
  'resent-from', 'resent-sender', 'resent-to', 'resent-cc', 'resent-bcc',
  'disposition-notification-to',
]);
// A display name with one of these (RFC 5322 specials), edge white space, or text that reads as an
// encoded word (which a reader would decode again; inside quotes it does not) is written quoted.
const NEEDS_QUOTES = /[()<>[\]:;@\\,."]|=\?|^\s|\s$/;
// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\u0000-\u007f]/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface Mailbox {
  readonly address: string;
  readonly name: string;
}

/**
 * The text of a header value given as the bytes on the wire (a binary string, one char per byte,
 * as mailparser's header lines hold it). RFC 6532 makes header text UTF-8, so that is what a value
 * is read as. A value that is not valid UTF-8 comes from a legacy client that wrote its own
 * 8-bit charset; it is read as Windows-1252 (the superset of Latin-1 such clients meant in
 * practice) rather than refused; the five bytes that charset leaves undefined become U+FFFD.
 */
export function toHeaderText(binary: string): string {
  if (!NON_ASCII.test(binary)) return binary;
  const bytes = Buffer.from(binary, 'latin1');
  try {
    return utf8.decode(bytes);
  } catch {
    // iconv-lite, as libmime uses: Node's own TextDecoder reads "windows-1252" as plain Latin-1.
    return iconv.decode(bytes, 'windows-1252');
  }
}

function decodeWords(text: string): string {
  try {
    return libmime.decodeWords(text);
  } catch {
    return text; // a malformed encoded word stays as it was written
  }
}

/**
 * The mailboxes of an address list as read from the wire (see {@link toHeaderText}), display names
 * decoded (groups are flattened). Give it the text before encoded words are decoded, not
 * {@link toHeaderValue}'s result, or a name would be decoded twice.
 */
export function toMailboxes(text: string): Mailbox[] {
  return addressparser(text, { flatten: true }).map((m) => ({ address: m.address, name: decodeWords(m.name) }));
}

function formatName(name: string): string {
  return NEEDS_QUOTES.test(name) ? `"${name.replace(/(["\\])/g, '\\$1')}"` : name;
}

function formatAddressList(text: string): string {
  return addressparser(text)
    .map((entry) => {
      if ('group' in entry) {
        const members = entry.group.map((m) => toMailboxText({ address: m.address, name: decodeWords(m.name) })).join(', ');
        return `${formatName(decodeWords(entry.name))}: ${members};`;
      }
      return toMailboxText({ address: entry.address, name: decodeWords(entry.name) });
    })
    .join(', ');
}

function toMailboxText(mailbox: Mailbox): string {
  if (mailbox.name === '') return mailbox.address;
  return mailbox.address === '' ? formatName(mailbox.name) : `${formatName(mailbox.name)} <${mailbox.address}>`;
}

/**
 * A header value as readers mean it, from its unfolded text (see {@link toUnfoldedText}): RFC 2047
 * encoded words decoded by libmime. Address lists are parsed first and only their display names
 * decoded, then written back with the quoting a decoded name needs.
 */
export function toHeaderValue(field: string, text: string): string {
  if (!text.includes('=?')) return text;
  return ADDRESS_FIELDS.has(field.toLowerCase()) ? formatAddressList(text) : decodeWords(text);
}

/** A folded header value from the wire, unfolded and read as text (see {@link toHeaderText}). */
export function toUnfoldedText(binaryValue: string): string {
  return toHeaderText(binaryValue.replace(/\r?\n(?=[ \t])/g, '')).trim();
}
