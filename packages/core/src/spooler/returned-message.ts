import { randomUUID } from 'node:crypto';
import { readWholePart, toReturnedHeaders, type MessageStore, type PartInfo } from '@xport/provider-sdk';
import type { ReportedMessage } from './reports.js';

/** The media type of a report's copy of the whole original message (RFC 3464 §2, RET=FULL). */
export const RETURNED_MESSAGE_TYPE = 'message/rfc822';

/** A failure report returns the whole original only up to this size of content; a larger one, its header. */
export const MAX_RETURNED_BYTES = 1024 * 1024;

 
const NOT_TOKEN_SAFE = /[^\u0020-\u007e]|["\\]/;

function base64Lines(content: Buffer): string {
  return (content.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

function partHeader(part: PartInfo): string {
  const lines = [`Content-Type: ${part.contentType}`, 'Content-Transfer-Encoding: base64'];
  if (part.filename !== undefined) {
    // RFC 2231 for a name a quoted string cannot hold as it is.
    lines.push(
      NOT_TOKEN_SAFE.test(part.filename)
        ? `Content-Disposition: attachment; filename*=UTF-8''${encodeURIComponent(part.filename)}`
        : `Content-Disposition: attachment; filename="${part.filename}"`,
    );
  }
  if (part.contentId !== undefined) lines.push(`Content-ID: <${part.contentId.replace(/^<|>$/g, '')}>`);
  return lines.join('\r\n');
}

/**
 * The whole original message, as a failure report returns it when the sender asked RET=FULL: its
 * header (as `toReturnedHeaders` writes it) and its stored parts in a `multipart/mixed`, each in
 * base64, so the text is US-ASCII and travels as a `message/rfc822` part. Undefined when the content
 * is larger than {@link MAX_RETURNED_BYTES}: the report then returns the header only (RFC 3461 §4.3
 * lets a reporting MTA do so).
 */
export async function toReturnedMessage(store: MessageStore, message: ReportedMessage): Promise<string | undefined> {
  if (message.parts.reduce((sum, p) => sum + p.size, 0) > MAX_RETURNED_BYTES) return undefined;
  const boundary = `xport-returned-${randomUUID()}`;
  const lines = [
    toReturnedHeaders({ envelope: message.envelope, recipients: message.recipients, submittedAt: message.submittedAt }).replace(/\r\n$/, ''),
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
  ];
  for (const part of message.parts) {
    const content = await readWholePart(store, part.partId);
    lines.push(`--${boundary}`, partHeader(part), '', base64Lines(content));
  }
  lines.push(`--${boundary}--`, '');
  return lines.join('\r\n');
}
