import type { Readable } from 'node:stream';
import type { OutboundMessage } from './message.js';

const EMPTY = Buffer.alloc(0);

/**
 * Collects a part's stream into one buffer. Listens for data and end rather than iterating with
 * for-await: the async iterator's promise per chunk is a visible share of reading a small body.
 */
export function collectPart(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let first: Buffer | undefined;
    let more: Buffer[] | undefined;
    stream.on('data', (chunk: Buffer | Uint8Array | string) => {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      if (first === undefined) first = bytes;
      else (more ??= [first]).push(bytes);
    });
    stream.on('end', () => resolve(more !== undefined ? Buffer.concat(more) : (first ?? EMPTY)));
    stream.on('error', reject);
  });
}

/**
 * A part of an outbound message, whole: through the message's `readPart` when it has one (no
 * stream), otherwise by collecting `openPart`. For parts small enough to hold; check `PartInfo.size`.
 *
 * @example
 * if (part.size <= 256 * 1024) body = (await readWholePart(message, part.partId)).toString('utf8');
 */
export function readWholePart(message: Pick<OutboundMessage, 'openPart' | 'readPart'>, partId: string): Promise<Buffer> {
  if (typeof message.readPart === 'function') return message.readPart(partId);
  try {
    return collectPart(message.openPart(partId));
  } catch (error) {
    return Promise.reject(error);
  }
}
