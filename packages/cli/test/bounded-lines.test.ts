import { describe, expect, it } from 'vitest';
import { readBoundedLines, type BoundedLine } from '../src/bounded-lines.js';

async function linesOf(chunks: readonly string[], maxBytes: number): Promise<BoundedLine[]> {
  async function* source() {
    for (const chunk of chunks) yield Buffer.from(chunk);
  }
  const lines: BoundedLine[] = [];
  for await (const line of readBoundedLines(source(), maxBytes)) lines.push(line);
  return lines;
}

describe('readBoundedLines', () => {
  it('splits at LF across chunk boundaries, drops the CR of CRLF, and keeps a last line without LF', async () => {
    expect(await linesOf(['ab', 'c\r', '\nde\n', '\n', 'f'], 10)).toEqual([
      { number: 1, bytes: 4, text: 'abc' },
      { number: 2, bytes: 2, text: 'de' },
      { number: 3, bytes: 0, text: '' },
      { number: 4, bytes: 1, text: 'f' },
    ]);
  });

  it('decodes a UTF-8 character split between chunks', async () => {
    const bytes = Buffer.from('Jürgen\n');
    async function* split() {
      yield bytes.subarray(0, 2);
      yield bytes.subarray(2);
    }
    const lines: BoundedLine[] = [];
    for await (const line of readBoundedLines(split(), 100)) lines.push(line);
    expect(lines).toEqual([{ number: 1, bytes: 7, text: 'Jürgen' }]);
  });

  it('reports a line longer than the limit by its length only, however many chunks it spans, and goes on', async () => {
    expect(await linesOf(['12345', '\n123456', '7890', '12\nok\n1234567'], 5)).toEqual([
      { number: 1, bytes: 5, text: '12345' },
      { number: 2, bytes: 12, tooLong: true },
      { number: 3, bytes: 2, text: 'ok' },
      { number: 4, bytes: 7, tooLong: true },
    ]);
  });
});
