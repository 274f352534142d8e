import { execFileSync } from 'node:child_process';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type CliIO } from '@xport/cli';
import { createKernel } from '@xport/core';
import { createSqliteStore, DEFAULT_STORE_PATH } from '@xport/store-sqlite';
import { createE2eApp, type E2eApp } from './test-app.js';
import { recordOutput } from '../support/output-recorder.js';

// Issue 16, item 5: `xport send --attach` read a file whole before checking its size, and a
// `--batch` line past ~512 MB crashed the batch with a RangeError after earlier lines were queued.
// Big inputs here are sparse files: big on stat, nearly nothing on disk.
const GIB = 1024 ** 3;

async function xport(app: E2eApp, args: string[]) {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (s) => void ((out += s), recordOutput('cli stdout', s)), stderr: (s) => void ((err += s), recordOutput('cli stderr', s)), cwd: app.root, env: {}, interactive: false };
  const code = await runCli(args, io);
  return { code, out, err };
}

/** A file of `size` bytes: `head`, then a hole (read as NUL bytes), then `tail` at its very end. */
async function sparseFile(path: string, size: number, head = '', tail = ''): Promise<void> {
  const file = await open(path, 'w');
  try {
    await file.write(head, 0);
    await file.truncate(size - Buffer.byteLength(tail));
    if (tail !== '') await file.write(tail, size - Buffer.byteLength(tail));
  } finally {
    await file.close();
  }
}

async function queued(app: E2eApp): Promise<unknown[]> {
  return JSON.parse((await xport(app, ['queue', '--json'])).out) as unknown[];
}

const message = (to: string) => JSON.stringify({ from: 'loopback:me', to: [`loopback:${to}`], text: to });

describe('xport send --attach: checked with stat before a byte is read, then streamed', () => {
  let app: E2eApp | undefined;
  afterEach(async () => app?.cleanup());
  const send = (extra: string[]) => xport(app!, ['send', '--from', 'loopback:me', '--to', 'loopback:you', '--text', 'see attached', ...extra]);

  it('refuses a 3 GB file by its size, naming it, without reading it', async () => {
    app = await createE2eApp(['provider-loopback'], { transportOrder: ['loopback'] });
    await sparseFile(join(app.root, 'huge.bin'), 3 * GIB);
    const result = await send(['--attach', 'huge.bin']);
    expect(result.code).toBe(1);
    expect(result.err).toContain('XPORT_INPUT_TOO_LARGE');
    expect(result.err).toContain(`--attach ${join(app.root, 'huge.bin')}: 3221225472 bytes, more than spooler.maxMessageBytes (26214400)`);
    expect(await queued(app)).toEqual([]);
  });

  it('refuses files that are not regular files — /dev/zero, a FIFO, a directory — without opening them', async () => {
    app = await createE2eApp(['provider-loopback'], { transportOrder: ['loopback'] });
    // Opening a FIFO for reading blocks until a writer comes: the refusal must come before that.
    execFileSync('mkfifo', [join(app.root, 'pipe')]);
    await mkdir(join(app.root, 'folder'));
    for (const [path, kind] of [
      ['/dev/zero', 'a character device'],
      [join(app.root, 'pipe'), 'a FIFO'],
      [join(app.root, 'folder'), 'a directory'],
    ]) {
      const result = await send(['--attach', path!]);
      expect(result.code, path).toBe(1);
      expect(result.err).toContain(`XPORT_INPUT_UNREADABLE: --attach ${path}: ${kind}, not a regular file`);
    }
    const missing = await send(['--attach', 'nowhere.txt']);
    expect(missing.err).toContain(`XPORT_INPUT_UNREADABLE: --attach ${join(app.root, 'nowhere.txt')}: no such file`);
    expect(await queued(app)).toEqual([]);
  });

  it('counts every attachment and the body against the limit, and names the file that passes it', async () => {
    app = await createE2eApp(['provider-loopback'], { transportOrder: ['loopback'], spooler: { maxMessageBytes: 1_000 } });
    await writeFile(join(app.root, 'a.txt'), 'a'.repeat(500));
    await writeFile(join(app.root, 'b.txt'), 'b'.repeat(490));
    const result = await send(['--attach', 'a.txt', 'b.txt']);
    expect(result.err).toContain(`XPORT_INPUT_TOO_LARGE: --attach ${join(app.root, 'b.txt')}: 490 bytes brings the message to 1002 bytes (the text and 2 attachment(s)), more than spooler.maxMessageBytes (1000)`);
    expect(await queued(app)).toEqual([]);
  });

  it('streams a file within the limit into the store, byte for byte', async () => {
    app = await createE2eApp(['provider-loopback'], { transportOrder: ['loopback'] });
    const content = Buffer.from(Array.from({ length: 3 * 1024 * 1024 + 17 }, (_, i) => (i * 7) % 256));
    await writeFile(join(app.root, 'figures.bin'), content);
    const result = await send(['--attach', 'figures.bin', '--json']);
    expect(result.code).toBe(0);
    const { messageId } = JSON.parse(result.out) as { messageId: string };
    const kernel = createKernel({ root: app.root, store: createSqliteStore({ path: join(app.root, DEFAULT_STORE_PATH) }), env: {} });
    await kernel.start({ spool: false });
    try {
      const stored = await kernel.store()!.getMessage(messageId);
      const part = stored!.parts.find((p) => p.kind === 'attachment')!;
      expect(part).toMatchObject({ filename: 'figures.bin', size: content.length });
      expect((await buffer(kernel.store()!.openPart(part.partId))).equals(content)).toBe(true);
    } finally {
      await kernel.stop();
    }
  });
});

describe('xport send --batch: lines read with a length limit', () => {
  let app: E2eApp | undefined;
  afterEach(async () => app?.cleanup());

  it('rejects a 600 MB line by its number and queues the lines around it', async () => {
    app = await createE2eApp(['provider-loopback'], { transportOrder: ['loopback'] });
    const before = `${message('first')}\n`;
    const after = `\n${message('third')}\n`;
    // Line 2 is 600 MB of NUL bytes: more than a JavaScript string can hold.
    await sparseFile(join(app.root, 'batch.jsonl'), Buffer.byteLength(before) + 600 * 1024 * 1024 + Buffer.byteLength(after), before, after);
    const batch = await xport(app, ['send', '--batch', 'batch.jsonl', '--json']);
    expect(batch.code).toBe(1);
    expect(JSON.parse(batch.out)).toEqual({
      lines: 3,
      accepted: 2,
      duplicates: 0,
      rejected: [{ line: 2, code: 'XPORT_INPUT_TOO_LARGE', message: 'line 2 is 629145600 bytes, more than the batch line limit of 27262976 bytes (--max-line-bytes); skipped without being held' }],
    });
    expect((await queued(app)).length).toBe(2);
    // 600 MB is read past (never held): seconds of reading on a busy machine, so a longer test timeout.
  }, 180_000);

  it('takes --max-line-bytes, ends lines at LF or CRLF, and reads a last line without a newline', async () => {
    app = await createE2eApp(['provider-loopback'], { transportOrder: ['loopback'] });
    const long = JSON.stringify({ from: 'loopback:me', to: ['loopback:long'], text: 'x'.repeat(300) });
    await writeFile(join(app.root, 'batch.jsonl'), [message('a'), long, message('b'), '', long, message('c')].join('\r\n'));
    const batch = await xport(app, ['send', '--batch', 'batch.jsonl', '--max-line-bytes', '200']);
    expect(batch.code).toBe(1);
    expect(batch.out).toBe('3 accepted, 0 duplicate(s), 2 rejected of 6 line(s)\n');
    expect(batch.err).toBe(
      [
        `line 2: XPORT_INPUT_TOO_LARGE: line 2 is ${long.length + 1} bytes, more than the batch line limit of 200 bytes (--max-line-bytes); skipped without being held`,
        `line 5: XPORT_INPUT_TOO_LARGE: line 5 is ${long.length + 1} bytes, more than the batch line limit of 200 bytes (--max-line-bytes); skipped without being held`,
        '',
      ].join('\n'),
    );
    const queue = (await queued(app)) as Array<{ id: string }>;
    expect(queue).toHaveLength(3);
  });

  it('reads a batch from a pipe', async () => {
    app = await createE2eApp(['provider-loopback'], { transportOrder: ['loopback'] });
    const pipe = join(app.root, 'batch.pipe');
    execFileSync('mkfifo', [pipe]);
    const [batch] = await Promise.all([xport(app, ['send', '--batch', pipe, '--json']), writeFile(pipe, `${message('a')}\n${message('b')}\n`)]);
    expect(JSON.parse(batch.out)).toEqual({ lines: 2, accepted: 2, duplicates: 0, rejected: [] });
  });

  it('names a batch file that is missing with a code', async () => {
    app = await createE2eApp(['provider-loopback'], { transportOrder: ['loopback'] });
    const batch = await xport(app, ['send', '--batch', 'missing.jsonl']);
    expect(batch.code).toBe(1);
    expect(batch.err).toContain(`XPORT_INPUT_UNREADABLE: --batch ${join(app.root, 'missing.jsonl')}: no such file`);
  });
});
