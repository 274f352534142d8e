import { Readable } from 'node:stream';
import { XportError, type ContentInput, type ContentPartInput, type PartInfo } from '@xport/provider-sdk';
import { PartStream, type HeldContent } from './part-stream.js';
import { RecordSlots } from './record-slots.js';

/** Reads a streamed content input into buffers, as it arrives (each chunk copied: a producer may reuse its buffer). */
async function readChunks(content: AsyncIterable<Uint8Array>): Promise<HeldContent> {
  const chunks: Buffer[] = [];
  for await (const chunk of content) chunks.push(Buffer.from(chunk));
  return chunks.length === 1 ? chunks[0]! : chunks;
}

function isInMemory(content: ContentInput): content is string | Uint8Array {
  return typeof content === 'string' || content instanceof Uint8Array;
}

/** Strings are immutable and kept as they are; bytes are copied, so the caller may reuse its array. */
function holdInMemory(content: string | Uint8Array): HeldContent {
  return typeof content === 'string' ? content : Buffer.from(content);
}

function sizeOf(held: HeldContent): number {
  if (typeof held === 'string') return Buffer.byteLength(held, 'utf8');
  if (Buffer.isBuffer(held)) return held.length;
  let size = 0;
  for (const chunk of held) size += chunk.length;
  return size;
}

function notFound(partId: string): XportError {
  return new XportError('XPORT_STORE_NOT_FOUND', `memory store: content part "${partId}" does not exist`, { details: { partId } });
}

/**
 * Content parts held in memory, shared by outbox, sent and inbox records through their part ids. The
 * part descriptions are frozen and handed out as they are.
 */
export class MemoryContent {
  private readonly parts = new RecordSlots<HeldContent>(4);

  /**
   * Stores every part and describes it; nothing is kept if one of the inputs fails. Content already
   * in memory (strings, bytes) is stored at once, without a promise, so a caller can apply a write
   * atomically; only streamed content makes it asynchronous.
   */
  writeParts(inputs: readonly ContentPartInput[]): readonly PartInfo[] | Promise<readonly PartInfo[]> {
    for (const input of inputs) if (!isInMemory(input.content)) return this.writeStreamed(inputs);
    // Sized up front: the frozen array is kept with the record, and a pushed-to one keeps room for 16.
    const infos = new Array<PartInfo>(inputs.length);
    for (let i = 0; i < inputs.length; i += 1) infos[i] = this.keep(inputs[i]!, holdInMemory(inputs[i]!.content as string | Uint8Array));
    return Object.freeze(infos);
  }

  deleteParts(parts: readonly PartInfo[]): void {
    for (const part of parts) this.parts.delete(part.partId);
  }

  openPart(partId: string): Readable {
    const held = this.parts.get(partId);
    if (held === undefined) {
      const stream = new Readable({ read() {} });
      stream.destroy(notFound(partId));
      return stream;
    }
    return new PartStream(held);
  }

  /** The part whole, in a fresh buffer (the caller may write into it without changing the stored part). */
  readPart(partId: string): Buffer {
    const held = this.parts.get(partId);
    if (held === undefined) throw notFound(partId);
    if (typeof held === 'string') return Buffer.from(held, 'utf8');
    return Buffer.isBuffer(held) ? Buffer.from(held) : Buffer.concat(held);
  }

  private async writeStreamed(inputs: readonly ContentPartInput[]): Promise<readonly PartInfo[]> {
    const held: HeldContent[] = [];
    for (const input of inputs) held.push(isInMemory(input.content) ? holdInMemory(input.content) : await readChunks(input.content));
    return Object.freeze(inputs.map((input, i) => this.keep(input, held[i]!)));
  }

  private keep(input: ContentPartInput, held: HeldContent): PartInfo {
    const partId = this.parts.nextId();
    this.parts.add(partId, held);
    const info: { -readonly [K in keyof PartInfo]: PartInfo[K] } = { partId, kind: input.kind, contentType: input.contentType, size: sizeOf(held) };
    if (input.filename !== undefined) info.filename = input.filename;
    if (input.contentId !== undefined) info.contentId = input.contentId;
    return Object.freeze(info);
  }
}
