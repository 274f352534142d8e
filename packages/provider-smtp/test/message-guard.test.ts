import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MessageGuard } from '../src/message-guard.js';

async function run(chunks: string[], max = 1_000): Promise<{ violation: string | undefined; passed: string }> {
  const guard = new MessageGuard(max);
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
});
