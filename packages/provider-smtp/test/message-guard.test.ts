import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MAX_HEADER_BLOCK_CHARS, MAX_HEADER_FIELDS } from '@xport/provider-sdk';
import { MessageGuard } from '../src/message-guard.js';

async function run(chunks: string[], max = 1_000, limits: { maxHeaderFields?: number; maxHeaderBytes?: number } = {}): Promise<{ violation: string | undefined; passed: string }> {
  const guard = new MessageGuard({ maxBytes: max, ...limits });
  let passed = '';
  guard.on('data', (c: Buffer) => (passed += c.toString('latin1')));
  const done = new Promise((resolve) => guard.on('end', resolve));
  Readable.from(chunks.map((c) => Buffer.from(c, 'latin1'))).pipe(guard);
  await done;
  return { violation: guard.violation, passed };
}

describe('MessageGuard', () => {
  it('passes CRLF text through unchanged, even with CR and LF split across chunks', async () => {
    expect(await run(['Subject: a\r', '\nbody\r\n'])).toEqual({ violation: undefined, passed: 'Subject: a\r\nbody\r\n' });
  });

  it('flags a bare LF, also at a chunk start', async () => {
    expect((await run(['a\r\nb', '\n.\n'])).violation).toBe('bare-lf');
  });

  it('flags a bare CR, also as the last byte', async () => {
    expect((await run(['a\rb\r\n'])).violation).toBe('bare-cr');
    expect((await run(['a\r\n', 'b\r'])).violation).toBe('bare-cr');
  });

  it('stops passing bytes once over the limit but drains the input', async () => {
    const result = await run(['x\r\n'.repeat(100), 'y\r\n'.repeat(400)], 500);
    expect(result.violation).toBe('too-big');
    expect(result.passed.length).toBeLessThanOrEqual(500);
  });

  it('counts header fields up to the empty line: folded lines are one field, body lines none', async () => {
    const header = 'A: 1\r\nB: 2\r\n folded\r\n\tmore\r\nC: 3\r\n';
    const body = 'X: not a header\r\n'.repeat(10);
    expect((await run([header, '\r\n', body], 10_000, { maxHeaderFields: 3 })).violation).toBeUndefined();
    expect((await run([`${header}D: 4\r\n`, '\r\n', body], 10_000, { maxHeaderFields: 3 })).violation).toBe('too-many-header-fields');
  });

  it('counts header fields across chunk boundaries', async () => {
    const chunks = 'A: 1\r\nB: 2\r\nC: 3\r\n'.split('');
    expect((await run([...chunks, '\r\n'], 10_000, { maxHeaderFields: 2 })).violation).toBe('too-many-header-fields');
  });

  it('bounds the header block in bytes, not the body', async () => {
    const line = `X-Long: ${'y'.repeat(90)}\r\n`; // 100 bytes
    expect((await run([line.repeat(5), '\r\n', 'z'.repeat(5_000), '\r\n'], 10_000, { maxHeaderBytes: 510 })).violation).toBeUndefined();
    expect((await run([line.repeat(6), '\r\n', 'body\r\n'], 10_000, { maxHeaderBytes: 510 })).violation).toBe('header-too-big');
  });

  it("applies the SDK's submit limits by default: 128 fields, 64 KiB", async () => {
    const fields = (n: number) => Array.from({ length: n }, (_, i) => `X-H${i}: v\r\n`).join('');
    expect((await run([fields(MAX_HEADER_FIELDS), '\r\nbody\r\n'], 1_000_000)).violation).toBeUndefined();
    expect((await run([fields(MAX_HEADER_FIELDS + 1), '\r\nbody\r\n'], 1_000_000)).violation).toBe('too-many-header-fields');
    expect((await run([`X: ${'a'.repeat(MAX_HEADER_BLOCK_CHARS)}\r\n\r\nbody\r\n`], 1_000_000)).violation).toBe('header-too-big');
  });

  it('passes nothing on after a header violation: 10,000 header lines never reach the parser', async () => {
    const result = await run(['X: 1\r\n'.repeat(10_000), '\r\nbody\r\n'], 1_000_000);
    expect(result.violation).toBe('too-many-header-fields');
    expect(result.passed).toBe('');
  });
});
