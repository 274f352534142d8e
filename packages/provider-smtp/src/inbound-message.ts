import type { AddressObject, HeaderLines, ParsedMail } from 'mailparser';
import { checkSmtpAddress, type AttachmentInput, type InboundMessage, type Recipient } from '@xport/provider-sdk';

// MIME structure headers describe the encoded form, which the parsed message no longer has.
const STRUCTURE_HEADERS = new Set(['content-type', 'content-transfer-encoding', 'mime-version', 'content-disposition']);
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]+/g;

function toSmtpRecipient(address: string | undefined, name?: string): Recipient | undefined {
  if (!address || checkSmtpAddress(address) !== undefined) return undefined;
  const clean = name?.replace(CONTROL, ' ').trim().slice(0, 256);
  return clean ? { type: 'smtp', address, name: clean } : { type: 'smtp', address };
}

function firstAddress(from: AddressObject | undefined): Recipient | undefined {
  const first = from?.value[0];
  return first ? toSmtpRecipient(first.address, first.name) : undefined;
}

/**
 * Headers as single-valued strings: the first occurrence of each name wins (for Received, the
 * newest), folded lines are unfolded, and unstructured values are the ones mailparser decoded.
 */
function toHeaders(lines: HeaderLines, parsed: ParsedMail): Record<string, string> {
  const headers: Record<string, string> = {};
  const seen = new Set<string>();
  for (const { key, line } of lines) {
    if (seen.has(key) || STRUCTURE_HEADERS.has(key)) continue;
    seen.add(key);
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const decoded = parsed.headers.get(key);
    const value = typeof decoded === 'string' ? decoded : line.slice(colon + 1);
    headers[name] = value.replace(/\r?\n[ \t]+/g, ' ').replace(CONTROL, ' ').trim();
  }
  return headers;
}

/**
 * The SDK's inbound message for a parsed SMTP message. Recipients are the RCPT TO addresses the
 * listener accepted (never the headers); `from` is the From header's first address, else the
 * envelope sender.
 */
export function toInboundMessage(parsed: ParsedMail, rcptTo: readonly string[], mailFrom: string | undefined): InboundMessage {
  const recipients = rcptTo.map((address) => toSmtpRecipient(address)).filter((r): r is Recipient => r !== undefined);
  const from = firstAddress(parsed.from) ?? toSmtpRecipient(mailFrom);
  const attachments: AttachmentInput[] = parsed.attachments.map((a, i) => ({
    filename: a.filename ?? `attachment-${i + 1}`,
    contentType: a.contentType,
    ...(a.cid === undefined ? {} : { contentId: a.cid }),
    content: new Uint8Array(a.content.buffer, a.content.byteOffset, a.content.byteLength),
  }));
  return {
    recipients,
    headers: toHeaders(parsed.headerLines, parsed),
    ...(from ? { from } : {}),
    ...(parsed.subject === undefined ? {} : { subject: parsed.subject }),
    ...(parsed.messageId === undefined ? {} : { messageId: parsed.messageId }),
    ...(parsed.text === undefined ? {} : { text: parsed.text }),
    ...(typeof parsed.html === 'string' ? { html: parsed.html } : {}),
    ...(attachments.length > 0 ? { attachments } : {}),
  };
}
