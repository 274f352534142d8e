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
const hasPython = spawnSync('python3', ['-c', 'import smtpd, smtplib'], { stdio: 'ignore' }).status === 0;
function runPython(script: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('python3', ['-W', 'ignore', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const title = hasPython ? 'interop with Python smtpd and smtplib' : 'interop with Python smtpd and smtplib (skipped: python3 with smtpd is not installed)';

describe.skipIf(!hasPython)(title, () => {
  let sink: ChildProcess;
  let sinkPort: number;
  let outDir: string;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'xport-smtpd-'));
    sink = spawn('python3', ['-W', 'ignore', join(here, 'smtpd_sink.py'), outDir], { stdio: ['ignore', 'pipe', 'inherit'] });
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

  it('sends to Python smtpd: headers, bodies and attachment survive', async () => {
    const { context } = createTestContext({ relay: { host: '127.0.0.1', port: sinkPort, pool: { maxConnections: 1 } } });
    const transport = createSmtpTransport(context);
    try {
      await transport.logon!();
      const attachment = Buffer.from(Array.from({ length: 30_000 }, (_, i) => i % 251));
      const { message, assigned } = createOutboundMessage({
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
      const outcomes = (await transport.send(message, assigned, neverAborted())) as readonly RecipientOutcome[];
      expect(outcomes.map((o) => o.status)).toEqual(['delivered', 'delivered']);
    } finally {
      await transport.stop!();
    }
    const files = (await readdir(outDir)).sort();
    expect(files).toEqual(['msg-1.eml', 'msg-1.json']);
    expect(JSON.parse(await readFile(join(outDir, 'msg-1.json'), 'utf8'))).toEqual({ from: 'ada@example.org', to: ['py@python.test', 'py2@python.test'] });
    const parsed = await simpleParser(await readFile(join(outDir, 'msg-1.eml')));
    expect(parsed.subject).toBe('To Python — ✓');
    expect(parsed.messageId).toBe('<to-python-1@example.org>');
    expect(parsed.headers.get('x-interop')).toBe('xport');
    expect(parsed.text?.trim()).toBe('Text to Python ✓');
    expect(parsed.html).toBe('<b>HTML to Python</b>');
    expect(parsed.attachments.map((a) => [a.filename, a.contentType, a.content.length])).toEqual([['report.pdf', 'application/pdf', 30_000]]);
    expect(parsed.attachments[0]!.content.equals(Buffer.from(Array.from({ length: 30_000 }, (_, i) => i % 251)))).toBe(true);
  });

  it('receives from Python smtplib: headers, bodies and attachment survive', async () => {
    const test = createTestContext({ listen: { enabled: true, port: 0, domains: ['example.org'] } });
    const transport = createSmtpTransport(test.context);
    await transport.start!();
    try {
      const port = transport.listenAddress()!.port;
      // Async: the listener runs in this process, so the event loop must stay free.
      const run = await runPython(join(here, 'smtplib_send.py'), String(port));
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
