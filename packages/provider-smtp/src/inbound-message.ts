import type { HeaderLines, ParsedMail } from 'mailparser';
import { checkSmtpAddress, type AttachmentInput, type InboundMessage, type Recipient } from '@xport/provider-sdk';
import { toHeaderValue, toMailboxes, toUnfoldedText } from './header-text.js';

// MIME structure headers describe the encoded form, which the parsed message no longer has.
const STRUCTURE_HEADERS = new Set(['content-type', 'content-transfer-encoding', 'mime-version', 'content-disposition']);
// RFC 5322 §3.6.8 field names: printable US-ASCII but ":". Any other line cannot be a header the kernel keeps.
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
// C0 and C1 controls: never stored in a header or a display name (the kernel refuses them).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]+/g;

function toSmtpRecipient(address: string | undefined, name?: string): Recipient | undefined {
  if (!address || checkSmtpAddress(address) !== undefined) return undefined;
  const clean = name?.replace(CONTROL, ' ').trim().slice(0, 256);
  return clean ? { type: 'smtp', address, name: clean } : { type: 'smtp', address };
}

interface DecodedHeader {
  readonly name: string;
  /** Read from its bytes, encoded words still in it (what address parsing wants). */
  readonly text: string;
  /** Encoded words decoded too (what is stored). */
  readonly value: string;
}

/**
 * The message's header fields in order, each decoded from its bytes: raw UTF-8 (RFC 6532) and
 * RFC 2047 encoded words alike (see header-text.ts). Lines whose name is not a field name are left out.
 */
function decodeHeaderLines(lines: HeaderLines): DecodedHeader[] {
  const decoded: DecodedHeader[] = [];
  for (const { line } of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    if (!FIELD_NAME.test(name)) continue;
    const text = toUnfoldedText(line.slice(colon + 1));
    decoded.push({ name, text, value: toHeaderValue(name, text) });
  }
  return decoded;
}

/** Headers as single-valued strings: the first occurrence of each name wins (for Received, the newest). */
function toHeaders(fields: readonly DecodedHeader[]): Record<string, string> {
  const headers: Record<string, string> = {};
  const seen = new Set<string>();
  for (const { name, value } of fields) {
    const key = name.toLowerCase();
    if (seen.has(key) || STRUCTURE_HEADERS.has(key)) continue;
    seen.add(key);
    headers[name] = value.replace(CONTROL, ' ').trim();
  }
  return headers;
}

/**
 * The SDK's inbound message for a parsed SMTP message. Recipients are the RCPT TO addresses the
 * listener accepted (never the headers); `from` is the From header's first address, else the
 * envelope sender. Subject and From come from the same decoded header fields as `headers`, so the
 * three always agree; bodies and attachments are mailparser's.
 */
export function toInboundMessage(parsed: ParsedMail, rcptTo: readonly string[], mailFrom: string | undefined): InboundMessage {
  const fields = decodeHeaderLines(parsed.headerLines);
  const first = (name: string): DecodedHeader | undefined => fields.find((f) => f.name.toLowerCase() === name);
  const recipients = rcptTo.map((address) => toSmtpRecipient(address)).filter((r): r is Recipient => r !== undefined);
  const fromField = first('from');
  const author = fromField === undefined ? undefined : toMailboxes(fromField.text)[0];
  const from = toSmtpRecipient(author?.address, author?.name) ?? toSmtpRecipient(mailFrom);
  const subject = first('subject')?.value;
  const attachments: AttachmentInput[] = parsed.attachments.map((a, i) => ({
    filename: a.filename ?? `attachment-${i + 1}`,
    contentType: a.contentType,
    ...(a.cid === undefined ? {} : { contentId: a.cid }),
    content: new Uint8Array(a.content.buffer, a.content.byteOffset, a.content.byteLength),
  }));
  return {
    recipients,
    headers: toHeaders(fields),
    ...(from ? { from } : {}),
    ...(subject === undefined ? {} : { subject }),
    ...(parsed.messageId === undefined ? {} : { messageId: parsed.messageId }),
    ...(parsed.text === undefined ? {} : { text: parsed.text }),
    ...(typeof parsed.html === 'string' ? { html: parsed.html } : {}),
    ...(attachments.length > 0 ? { attachments } : {}),
  };
}
