import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { splitBytes, startSentRetention, toFixedChunks, type Logger } from '../src/index.js';

async function* pieces(parts: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield part;
}

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const chunk of source) out.push(chunk);
  return out;
}

describe('store content helpers', () => {
  it('splitBytes cuts into views of chunkSize, the last shorter', () => {
    expect(splitBytes(Buffer.from('abcde'), 2).map(String)).toEqual(['ab', 'cd', 'e']);
    expect(splitBytes(Buffer.alloc(0), 4)).toEqual([]);
  });

  it('toFixedChunks re-cuts any stream into full chunks and keeps every byte in order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 30 }), fc.integer({ min: 1, max: 17 }), async (parts, size) => {
        const chunks = await collect(toFixedChunks(pieces(parts), size));
        expect(Buffer.concat(chunks)).toEqual(Buffer.concat(parts.map((p) => Buffer.from(p))));
        chunks.slice(0, -1).forEach((chunk) => expect(chunk.length).toBe(size));
        if (chunks.length > 0) expect(chunks.at(-1)!.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('toFixedChunks copies each piece, so a producer may reuse its buffer', async () => {
    const reused = Buffer.from('ab');
    async function* producer(): AsyncGenerator<Uint8Array> {
      yield reused;
      reused.write('zz');
      yield reused;
    }
    expect((await collect(toFixedChunks(producer(), 4))).map(String)).toEqual(['abzz']);
  });
});

describe('startSentRetention', () => {
  afterEach(() => vi.useRealTimers());

  it('purges at once and then hourly, logs what it purged, and stops', async () => {
    vi.useFakeTimers({ now: 10 * 86_400_000 });
    const befores: number[] = [];
    const lines: string[] = [];
    const logger = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), debug: () => undefined, error: () => undefined } as unknown as Logger;
    const stop = startSentRetention(3, async (before) => (befores.push(before), 2), logger);
    await vi.advanceTimersByTimeAsync(0);
    expect(befores).toEqual([7 * 86_400_000]);
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(befores).toHaveLength(2);
    stop();
    await vi.advanceTimersByTimeAsync(3 * 3_600_000);
    expect(befores).toHaveLength(2);
    expect(lines[0]).toBe('purged 2 sent message(s) older than 3 day(s)');
  });
});
