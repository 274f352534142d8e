import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateBytes, hashStream, makeReceiveRequest, makeSubmitRequest, readText } from '../store-fixtures.js';
import { expectXportError, type ConformanceContext } from './context.js';

const MB = 1024 * 1024;

/** Content parts: written as they stream in, streamed back byte for byte. */
export function contentCases({ store }: ConformanceContext): void {
  describe('content', () => {
    it('keeps every part with its size, content type and filename, and streams it back', async () => {
      const bytes = Uint8Array.from([0, 1, 2, 250, 255]);
      const { messageId } = await store().submit(
        makeSubmitRequest({
          parts: [
            { kind: 'text', contentType: 'text/plain; charset=utf-8', content: 'héllo' },
            { kind: 'html', contentType: 'text/html', content: '<p>héllo</p>' },
            { kind: 'attachment', contentType: 'application/octet-stream', filename: 'raw.bin', contentId: 'raw@x', content: bytes },
            { kind: 'attachment', contentType: 'text/plain', filename: 'empty.txt', content: '' },
          ],
        }),
      );
      const message = await store().getMessage(messageId);
      expect(message?.parts.map((p) => [p.kind, p.contentType, p.size, p.filename, p.contentId])).toEqual([
        ['text', 'text/plain; charset=utf-8', 6, undefined, undefined],
        ['html', 'text/html', 13, undefined, undefined],
        ['attachment', 'application/octet-stream', 5, 'raw.bin', 'raw@x'],
        ['attachment', 'text/plain', 0, 'empty.txt', undefined],
      ]);
      expect(message?.size).toBe(24);
      expect(new Set(message?.parts.map((p) => p.partId)).size).toBe(4);
      const [text, html, raw, empty] = message!.parts;
      expect(await readText(store().openPart(text!.partId))).toBe('héllo');
      expect(await readText(store().openPart(html!.partId))).toBe('<p>héllo</p>');
      const chunks: Buffer[] = [];
      for await (const chunk of store().openPart(raw!.partId)) chunks.push(chunk as Buffer);
      expect([...Buffer.concat(chunks)]).toEqual([0, 1, 2, 250, 255]);
      expect(await readText(store().openPart(empty!.partId))).toBe('');
    });

    it('stores a 20 MB attachment from an async generator and streams it back byte-identical', async () => {
      const source = generateBytes(20 * MB + 12_345);
      const { messageId } = await store().submit(
        makeSubmitRequest({
          parts: [
            { kind: 'text', contentType: 'text/plain', content: 'see attachment' },
            { kind: 'attachment', contentType: 'application/octet-stream', filename: 'big.bin', content: source },
          ],
        }),
      );
      const part = (await store().getMessage(messageId))?.parts[1];
      expect(part).toMatchObject({ size: 20 * MB + 12_345, filename: 'big.bin' });
      const read = await hashStream(store().openPart(part!.partId));
      expect(read.size).toBe(20 * MB + 12_345);
      expect(read.sha256).toBe(source.digest());
      // Streamed back in pieces, not as one buffer.
      expect(read.chunks).toBeGreaterThan(1);
    });

    it('streams inbox content from an async generator', async () => {
      const source = generateBytes(3 * MB, 10_000);
      const base = makeReceiveRequest({ mailboxes: ['test:ada'] });
      const [entry] = await store().receive({ ...base, parts: [{ kind: 'attachment', contentType: 'application/pdf', filename: 'scan.pdf', content: source }] });
      const stored = await store().getInboxEntry(entry!.id);
      expect(stored?.parts[0]).toMatchObject({ kind: 'attachment', contentType: 'application/pdf', filename: 'scan.pdf', size: 3 * MB });
      expect((await hashStream(store().openPart(stored!.parts[0]!.partId))).sha256).toBe(source.digest());
    });

    it('fails the stream of an unknown part with XPORT_STORE_NOT_FOUND', async () => {
      const stream = store().openPart('no-such-part');
      const error = await new Promise((resolve) => stream.on('error', resolve).on('end', () => resolve(undefined)).resume());
      expect(error).toMatchObject({ code: 'XPORT_STORE_NOT_FOUND' });
    });

    it('rejects the submit and queues nothing when the content source fails', async () => {
      async function* broken(): AsyncIterable<Uint8Array> {
        yield new Uint8Array(1000);
        throw new Error('upload interrupted');
      }
      await expect(
        store().submit(makeSubmitRequest({ parts: [{ kind: 'attachment', contentType: 'application/octet-stream', content: broken() }] })),
      ).rejects.toThrow('upload interrupted');
      expect(await store().listQueue()).toEqual([]);
    });

    // readPart is optional: a store without it is read through its streams, and these cases skip.
    it('reads each part whole with readPart: the bytes openPart streams, in a buffer the caller owns', async ({ skip }) => {
      if (typeof store().readPart !== 'function') skip();
      const big = generateBytes(3 * MB + 17, 100_000);
      const { messageId } = await store().submit(
        makeSubmitRequest({
          parts: [
            { kind: 'text', contentType: 'text/plain; charset=utf-8', content: 'héllo' },
            { kind: 'attachment', contentType: 'application/octet-stream', content: Uint8Array.from([0, 1, 2, 250, 255]) },
            { kind: 'attachment', contentType: 'text/plain', filename: 'empty.txt', content: '' },
            { kind: 'attachment', contentType: 'application/octet-stream', filename: 'big.bin', content: big },
          ],
        }),
      );
      const [text, raw, empty, large] = (await store().getMessage(messageId))!.parts;
      const read = (partId: string): Promise<Buffer> => store().readPart!(partId);
      expect((await read(text!.partId)).toString('utf8')).toBe('héllo');
      expect([...(await read(raw!.partId))]).toEqual([0, 1, 2, 250, 255]);
      expect((await read(empty!.partId)).length).toBe(0);
      const whole = await read(large!.partId);
      expect(whole.length).toBe(3 * MB + 17);
      expect(createHash('sha256').update(whole).digest('hex')).toBe(big.digest());

      const mine = await read(raw!.partId);
      mine.fill(7);
      expect([...(await read(raw!.partId))]).toEqual([0, 1, 2, 250, 255]);
      expect(await readText(store().openPart(text!.partId))).toBe('héllo');
    });

    it('rejects readPart of an unknown part with XPORT_STORE_NOT_FOUND', async ({ skip }) => {
      if (typeof store().readPart !== 'function') skip();
      await expectXportError(store().readPart!('no-such-part'), 'XPORT_STORE_NOT_FOUND');
    });
  });
}
