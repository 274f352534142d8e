import { XportError, type AttachmentInput, type ContentInput, type ContentPartInput, type MessageInput } from '@xport/provider-sdk';
import { checkHeaderField } from './validate-message.js';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Attachments one message may carry: each is a stored part with its own row and headers. */
export const MAX_ATTACHMENTS = 256;
const MAX_FILENAME = 255;

function invalidPart(where: string, why: string): XportError {
  return new XportError('XPORT_MESSAGE_INVALID', `${where}: ${why}`, { details: { at: where } });
}

export interface MeteredContent {
  readonly parts: ContentPartInput[];
  /** Set once a streamed part pushed the message past the limit (the store's submit then rejects). */
  readonly overLimit: () => XportError | undefined;
}

function tooLarge(maxBytes: number, where: string): XportError {
  return new XportError('XPORT_MESSAGE_INVALID', `message is larger than maxMessageBytes (${maxBytes} bytes) at ${where}`, {
    details: { maxMessageBytes: maxBytes, at: where },
  });
}

function knownSize(content: ContentInput): number | undefined {
  if (typeof content === 'string') return Buffer.byteLength(content, 'utf8');
  if (content instanceof Uint8Array) return content.byteLength;
  return undefined;
}

/**
 * Turns a message's text, HTML and attachments into store parts, counting bytes as they stream so a
 * message over `maxBytes` is refused without ever being held whole in memory.
 */
export function toContentParts(input: MessageInput, maxBytes: number): MeteredContent {
  if (typeof input !== 'object' || input === null) throw invalidPart('message', 'must be an object');
  let total = 0;
  let exceeded: XportError | undefined;
  const count = (bytes: number, where: string): void => {
    total += bytes;
    if (total > maxBytes) throw (exceeded ??= tooLarge(maxBytes, where));
  };
  const meter = (content: ContentInput, where: string): ContentInput => {
    const size = knownSize(content);
    if (size !== undefined) {
      count(size, where);
      return content;
    }
    if (typeof content !== 'object' || content === null || !(Symbol.asyncIterator in content)) {
      throw new XportError('XPORT_MESSAGE_INVALID', `${where}: content must be a string, bytes or an async iterable of bytes`, { details: { at: where } });
    }
    const source = content;
    return {
      async *[Symbol.asyncIterator]() {
        for await (const chunk of source) {
          const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
          count(bytes.byteLength, where);
          yield bytes;
        }
      },
    };
  };

  const parts: ContentPartInput[] = [];
  if (input.text !== undefined) parts.push({ kind: 'text', contentType: 'text/plain; charset=utf-8', content: meter(input.text, 'text') });
  if (input.html !== undefined) parts.push({ kind: 'html', contentType: 'text/html; charset=utf-8', content: meter(input.html, 'html') });
  const attachments: unknown = input.attachments ?? [];
  if (!Array.isArray(attachments)) throw invalidPart('attachments', 'must be an array of { filename, content, contentType?, contentId? }');
  if (attachments.length > MAX_ATTACHMENTS) throw invalidPart('attachments', `${attachments.length} attachments, more than the ${MAX_ATTACHMENTS} allowed`);
  (attachments as ReadonlyArray<AttachmentInput | null>).forEach((a, i) => {
    if (typeof a !== 'object' || a === null) throw invalidPart(`attachments[${i}]`, 'must be an object { filename, content, contentType?, contentId? }');
    const where = `attachments[${i}] (${JSON.stringify(typeof a.filename === 'string' ? a.filename.slice(0, 80) : a.filename)})`;
    if (typeof a.filename !== 'string' || a.filename === '' || CONTROL.test(a.filename) || a.filename.length > MAX_FILENAME) {
      throw invalidPart(where, `filename must be a non-empty string of at most ${MAX_FILENAME} characters without control characters`);
    }
    if (a.contentType !== undefined) checkHeaderField('Content-Type', a.contentType);
    if (a.contentId !== undefined) checkHeaderField('Content-ID', a.contentId);
    parts.push({
      kind: 'attachment',
      contentType: a.contentType ?? 'application/octet-stream',
      filename: a.filename,
      ...(a.contentId !== undefined ? { contentId: a.contentId } : {}),
      content: meter(a.content, where),
    });
  });
  return { parts, overLimit: () => exceeded };
}
