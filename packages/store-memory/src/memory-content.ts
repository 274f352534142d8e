import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { XportError, type ContentInput, type ContentPartInput, type PartInfo } from '@xport/provider-sdk';

/** Reads one content input into buffers, as it arrives. */
async function toBuffers(content: ContentInput): Promise<Buffer[]> {
  if (typeof content === 'string') return [Buffer.from(content, 'utf8')];
  if (content instanceof Uint8Array) return [Buffer.from(content)];
  const chunks: Buffer[] = [];
  for await (const chunk of content) chunks.push(Buffer.from(chunk));
  return chunks;
}

/** Content parts held as buffers, shared by outbox, sent and inbox records through their part ids. */
export class MemoryContent {
  private readonly parts = new Map<string, Buffer[]>();

  /** Stores every part and describes it; nothing is kept if one of the inputs fails. */
  async writeParts(inputs: readonly ContentPartInput[]): Promise<PartInfo[]> {
    const written: Array<{ info: PartInfo; chunks: Buffer[] }> = [];
    for (const input of inputs) {
      const chunks = await toBuffers(input.content);
      const size = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
      const info: PartInfo = {
        partId: randomUUID(),
        kind: input.kind,
        contentType: input.contentType,
        size,
        ...(input.filename === undefined ? {} : { filename: input.filename }),
        ...(input.contentId === undefined ? {} : { contentId: input.contentId }),
      };
      written.push({ info, chunks });
    }
    for (const { info, chunks } of written) this.parts.set(info.partId, chunks);
    return written.map((w) => w.info);
  }

  deleteParts(parts: readonly PartInfo[]): void {
    for (const part of parts) this.parts.delete(part.partId);
  }

  openPart(partId: string): Readable {
    const chunks = this.parts.get(partId);
    if (!chunks) {
      const stream = new Readable({ read() {} });
      stream.destroy(new XportError('XPORT_STORE_NOT_FOUND', `memory store: content part "${partId}" does not exist`, { details: { partId } }));
      return stream;
    }
    // Chunks are already in memory: hand them over as asked, without Readable.from's async iteration.
    let next = 0;
    return new Readable({
      read() {
        this.push(next < chunks.length ? chunks[next++] : null);
      },
    });
  }

  clear(): void {
    this.parts.clear();
  }
}
