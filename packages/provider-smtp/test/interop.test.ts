import type { RecipientOutcome } from '@xport/provider-sdk';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { createSmtpTransport } from '../src/index.js';
import { createOutboundMessage, neverAborted } from './support/outbound-message.js';
import { createTestContext } from './support/provider-context.js';

const here = fileURLToPath(new URL('./interop/', import.meta.url));

/** The first interpreter that can import `modules`: `python3` on PATH, then the system's own. */
function findPython(modules: string): string | undefined {
  return ['python3', '/usr/bin/python3'].find((python) => spawnSync(python, ['-c', `import ${modules}`], { stdio: 'ignore' }).status === 0);
}

// The sink needs aiosmtpd (Python's smtpd is gone since 3.12); the client only smtplib.
const sinkPython = findPython('aiosmtpd.smtp');
const clientPython = findPython('smtplib');

function runPython(python: string, script: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(python, ['-W', 'ignore', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const sinkTitle = sinkPython
  ? `interop with Python aiosmtpd (${sinkPython})`
  : 'interop with Python aiosmtpd (SKIPPED: no python3 with the aiosmtpd module; tried python3 and /usr/bin/python3; install python3-aiosmtpd)';

describe.skipIf(!sinkPython)(sinkTitle, () => {
  let sink: ChildProcess;
  let sinkPort: number;
  let outDir: string;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'xport-aiosmtpd-'));
    sink = spawn(sinkPython!, ['-W', 'ignore', join(here, 'smtpd_sink.py'), outDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    sinkPort = await new Promise<number>((resolve, reject) => {
      sink.once('exit', (code) => reject(new Error(`smtpd_sink.py exited with ${code}`)));
      sink.stdout!.setEncoding('utf8').on('data', (line: string) => {
        const match = /PORT (\d+)/.exec(line);
        if (match) resolve(Number(match[1]));
      });
    });
  });

  afterAll(async () => {
    sink?.kill();
    await rm(outDir, { recursive: true, force: true });
  });

  async function sendToSink(input: Parameters<typeof createOutboundMessage>[0]): Promise<string[]> {
    const { context } = createTestContext({ relay: { host: '127.0.0.1', port: sinkPort, pool: { maxConnections: 1 } } });
    const transport = createSmtpTransport(context);
    try {
      await transport.logon!();
      const { message, assigned } = createOutboundMessage(input);
      const outcomes = (await transport.send(message, assigned, neverAborted())) as readonly RecipientOutcome[];
      return outcomes.map((o) => o.status);
    } finally {
      await transport.stop!();
    }
  }

  /** The last message the sink wrote (msg-<n>.json and .eml, n counting up from 1). */
  async function lastReceived(): Promise<{ envelope: { from: string; to: string[]; mail_options: string[] }; raw: Buffer }> {
    const n = (await readdir(outDir)).filter((name) => name.endsWith('.json')).length;
    return {
      envelope: JSON.parse(await readFile(join(outDir, `msg-${n}.json`), 'utf8')),
      raw: await readFile(join(outDir, `msg-${n}.eml`)),
    };
  }

  it('sends to Python aiosmtpd: headers, bodies and attachment survive', async () => {
    const attachment = Buffer.from(Array.from({ length: 30_000 }, (_, i) => i % 251));
    const outcomes = await sendToSink({
      from: 'ada@example.org',
      to: ['py@python.test'],
      cc: ['py2@python.test'],
      subject: 'To Python — ✓',
      messageId: '<to-python-1@example.org>',
      headers: { 'X-Interop': 'xport' },
      parts: [
        { kind: 'text', contentType: 'text/plain; charset=utf-8', content: Buffer.from('Text to Python ✓') },
        { kind: 'html', contentType: 'text/html; charset=utf-8', content: Buffer.from('<b>HTML to Python</b>') },
        { kind: 'attachment', contentType: 'application/pdf', filename: 'report.pdf', content: attachment },
      ],
    });
    expect(outcomes).toEqual(['delivered', 'delivered']);
    const { envelope, raw } = await lastReceived();
    expect(envelope).toMatchObject({ from: 'ada@example.org', to: ['py@python.test', 'py2@python.test'] });
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe('To Python — ✓');
    expect(parsed.messageId).toBe('<to-python-1@example.org>');
    expect(parsed.headers.get('x-interop')).toBe('xport');
    expect(parsed.text?.trim()).toBe('Text to Python ✓');
    expect(parsed.html).toBe('<b>HTML to Python</b>');
    expect(parsed.attachments.map((a) => [a.filename, a.contentType, a.content.length])).toEqual([['report.pdf', 'application/pdf', 30_000]]);
    expect(parsed.attachments[0]!.content.equals(attachment)).toBe(true);
  });

  it('sends internationalized mail to Python aiosmtpd with SMTPUTF8, which it offers', async () => {
    expect(await sendToSink({ from: 'jürgen@bücher.example', to: ['zoë@python.test'], subject: 'Grüße — 你好' })).toEqual(['delivered']);
    const { envelope, raw } = await lastReceived();
    expect(envelope).toEqual({ from: 'jürgen@xn--bcher-kva.example', to: ['zoë@python.test'], mail_options: expect.arrayContaining(['SMTPUTF8']) });
    expect((await simpleParser(raw)).subject).toBe('Grüße — 你好');
  });
});

const clientTitle = clientPython ? 'interop with Python smtplib' : 'interop with Python smtplib (SKIPPED: no python3 with smtplib on PATH or at /usr/bin/python3)';

describe.skipIf(!clientPython)(clientTitle, () => {
  it('receives from Python smtplib: headers, bodies and attachment survive', async () => {
    const test = createTestContext({ listen: { enabled: true, port: 0, domains: ['example.org'] } });
    const transport = createSmtpTransport(test.context);
    await transport.start!();
    try {
      const port = transport.listenAddress()!.port;
      // Async: the listener runs in this process, so the event loop must stay free.
      const run = await runPython(clientPython!, join(here, 'smtplib_send.py'), String(port));
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ refused: {} });
    } finally {
      await transport.stop!();
    }
    expect(test.delivered).toHaveLength(1);
    const message = test.delivered[0]!;
    expect(message.recipients).toEqual([{ type: 'smtp', address: 'ada@example.org' }]);
    expect(message.from).toEqual({ type: 'smtp', address: 'py@sender.test', name: 'Python Sender' });
    expect(message.subject).toBe('Interop from smtplib — ünïcode');
    expect(message.messageId).toBe('<smtplib-interop-1@sender.test>');
    expect(message.headers?.['X-Interop']).toBe('python-smtplib');
    expect(message.text?.trim()).toBe('Text body from Python.');
    expect(message.html?.trim()).toBe('<p>HTML body from Python.</p>');
    expect(message.attachments?.map((a) => [a.filename, a.contentType])).toEqual([['blob.bin', 'application/octet-stream']]);
    expect(Buffer.from(message.attachments![0]!.content as Uint8Array).equals(Buffer.from(Array.from({ length: 256 * 40 }, (_, i) => i % 256)))).toBe(true);
  });
});
