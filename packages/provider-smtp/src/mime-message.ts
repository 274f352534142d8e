import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Readable } from 'node:stream';
import { domainToASCII } from 'node:url';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { checkSmtpAddress, type AssignedRecipient, type OutboundMessage, type PartInfo, type Recipient } from '@xport/provider-sdk';
import { toEnvelopeAddress } from './international-addresses.js';

// Headers nodemailer writes from the message's own fields or its MIME structure; a copy in
// envelope.headers would either duplicate them or break the structure.
const OWNED_HEADERS = new Set(['from', 'to', 'cc', 'bcc', 'subject', 'message-id', 'mime-version', 'content-type', 'content-transfer-encoding', 'content-disposition']);
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;
// Per-part and per-message allowance for MIME headers and boundaries in the size estimate.
const PART_OVERHEAD = 512;
const MESSAGE_OVERHEAD = 2048;

/** Size of `bytes` once base64-encoded in 76-character lines with CRLF. */
function base64Size(bytes: number): number {
  const encoded = Math.ceil(bytes / 3) * 4;
  return encoded + Math.ceil(encoded / 76) * 2;
}

function toAddress(recipient: Recipient): Mail.Address {
  return { name: recipient.name ?? '', address: recipient.address };
}

/** The content streams opened for one send, so whatever was not consumed can be released. */
export class OpenedParts {
  readonly streams: Readable[] = [];

  open(message: OutboundMessage, part: PartInfo): Readable {
    const stream = message.openPart(part.partId);
    this.streams.push(stream);
    return stream;
  }

  destroyAll(error?: Error): void {
    for (const stream of this.streams) if (!stream.destroyed) stream.destroy(error);
  }
}

/**
 * The SMTP identity of the sender. An `smtp` sender is itself; a sender of another address type
 * (a gateway case: `loopback:ada`) becomes `ada@<senderDomain>` when that is configured and gives
 * a valid address; otherwise there is none and the envelope sender is the null path `<>`.
 */
export function toSmtpSender(from: Recipient | undefined, senderDomain: string | undefined): Recipient | undefined {
  if (from === undefined) return undefined;
  if (from.type === 'smtp') return from;
  if (senderDomain === undefined) return undefined;
  const address = `${from.address}@${senderDomain}`;
  if (checkSmtpAddress(address) !== undefined) return undefined;
  return from.name === undefined ? { type: 'smtp', address } : { type: 'smtp', address, name: from.name };
}

/** nodemailer's mail options, plus `baseBoundary`, which its composer reads but its types leave out. */
export type RelayMailOptions = SMTPPool.MailOptions & { readonly baseBoundary?: string };

export interface MailBuild {
  readonly options: RelayMailOptions;
  /** Upper estimate of the encoded message size, announced as SIZE= (RFC 1870). */
  readonly estimatedSize: number;
}

/**
 * Builds nodemailer's mail options from a queued message. Bodies and attachments are streamed
 * from the store (`openPart`), never read whole; text bodies are base64 so the size estimate
 * holds. The envelope (MAIL FROM / RCPT TO) comes from the sender and `envelopeTo`, addresses in
 * their envelope form (see international-addresses.ts); To and Cc headers come from the message's
 * recipient roles, Bcc never appears. nodemailer writes non-ASCII header text as RFC 2047 encoded
 * words and header domains in ASCII; only a non-ASCII local part stays UTF-8 in a header.
 */
export function toMailOptions(message: OutboundMessage, envelopeTo: readonly string[], parts: OpenedParts, senderDomain?: string): MailBuild {
  const env = message.envelope;
  const sender = toSmtpSender(env.from, senderDomain);
  const shown = (role: AssignedRecipient['role']): Mail.Address[] =>
    message.recipients.filter((r) => r.role === role && r.recipient.type === 'smtp').map((r) => toAddress(r.recipient));

  const headers: Record<string, string> = {};
  let headerBytes = 0;
  let hasDateHeader = false;
  for (const [name, value] of Object.entries(env.headers)) {
    const lower = name.toLowerCase();
    if (OWNED_HEADERS.has(lower) || CONTROL.test(value) || CONTROL.test(name)) continue;
    headers[name] = value;
    headerBytes += name.length + value.length * 3 + 4;
    if (lower === 'date') hasDateHeader = true;
  }

  let text: Readable | undefined;
  let html: Readable | undefined;
  const attachments: Mail.Attachment[] = [];
  let estimatedSize = MESSAGE_OVERHEAD + headerBytes + (env.subject?.length ?? 0) * 3;
  for (const part of message.parts) {
    estimatedSize += base64Size(part.size) + PART_OVERHEAD + (part.filename?.length ?? 0) * 3;
    if (part.kind === 'text' && text === undefined) text = parts.open(message, part);
    else if (part.kind === 'html' && html === undefined) html = parts.open(message, part);
    else {
      attachments.push({
        content: parts.open(message, part),
        contentType: part.contentType,
        contentTransferEncoding: 'base64',
        ...(part.filename === undefined ? {} : { filename: part.filename }),
        ...(part.contentId === undefined ? { contentDisposition: 'attachment' as const } : { cid: part.contentId, contentDisposition: 'inline' as const }),
      });
    }
  }
  const to = shown('to');
  const cc = shown('cc');
  estimatedSize += [...to, ...cc].reduce((sum, a) => sum + a.address.length + (a.name?.length ?? 0) * 3 + 8, 0);

  // Built by assignment, not by spreading conditional objects: this runs once per message sent.
  const options: { -readonly [K in keyof RelayMailOptions]: RelayMailOptions[K] } = {
    envelope: { from: sender === undefined ? '' : toEnvelopeAddress(sender.address), to: [...envelopeTo], size: estimatedSize } as unknown as Mail.Envelope,
    headers,
    textEncoding: 'base64',
    attachments,
    messageId: env.messageId ?? newMessageId(sender, senderDomain),
    // The shared part of multipart boundaries, for the same reason as the Message-ID.
    baseBoundary: randomUUID(),
  };
  if (sender) options.from = toAddress(sender);
  if (to.length > 0) options.to = to;
  if (cc.length > 0) options.cc = cc;
  if (env.subject !== undefined) options.subject = env.subject;
  if (!hasDateHeader) options.date = new Date(message.submittedAt);
  if (text !== undefined) options.text = text;
  if (html !== undefined) options.html = html;
  return { options, estimatedSize };
}

/**
 * A Message-ID for a message that has none: a random UUID at the sender's domain (else the configured
 * sender domain, else this host), the form nodemailer would generate. Made here because nodemailer
 * draws its five random pieces with a `crypto.randomBytes` call each, a measurable share of a send.
 */
export function newMessageId(sender: Recipient | undefined, senderDomain: string | undefined): string {
  const at = sender?.address.lastIndexOf('@') ?? -1;
  const domain = sender !== undefined && at > 0 ? sender.address.slice(at + 1) : (senderDomain ?? hostname());
  // A header is ASCII: an internationalized domain goes in its punycode form, as in the envelope.
  return `<${randomUUID()}@${asciiDomain(domain)}>`;
}

// Senders repeat: each domain's ASCII form is worked out once (a few microseconds a message otherwise).
const asciiDomains = new Map<string, string>();
const ASCII_DOMAINS_KEPT = 1024;

function asciiDomain(domain: string): string {
  let ascii = asciiDomains.get(domain);
  if (ascii === undefined) {
    ascii = domainToASCII(domain) || 'localhost';
    if (asciiDomains.size >= ASCII_DOMAINS_KEPT) asciiDomains.clear();
    asciiDomains.set(domain, ascii);
  }
  return ascii;
}
