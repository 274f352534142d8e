import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterEach, describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from '@xport/core';
import type { TransportProvider } from '@xport/provider-sdk';
import { createSqliteStore } from '@xport/store-sqlite';
import { createE2eApp, PACKAGES, type E2eApp } from './test-app.js';
import { nodemailer } from './smtp-sink.js';

// The SMTP listener run by a real kernel: what a foreign client sends lands in the SQLite store's
// inbox through the kernel's inbound path, and the client hears 250 only after the store kept it.
const SMTPLIB_SEND = join(PACKAGES, 'provider-smtp', 'test', 'interop', 'smtplib_send.py');
const hasPython = spawnSync('python3', ['-c', 'import smtplib'], { stdio: 'ignore' }).status === 0;

let app: E2eApp | undefined;
let kernel: Kernel | undefined;

afterEach(async () => {
  await kernel?.stop();
  await app?.cleanup();
  kernel = undefined;
  app = undefined;
});

const listenConfig = { listen: { enabled: true, port: 0, domains: ['example.org'] } };

function listenPort(k: Kernel): number {
  const transport = k.transport('smtp') as TransportProvider & { listenAddress(): { port: number } | undefined };
  const address = transport.listenAddress();
  if (!address) throw new Error('the smtp listener is not running');
  return address.port;
}

function runSmtplib(port: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('python3', ['-W', 'ignore', SMTPLIB_SEND, String(port)], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('kernel + provider-smtp listener', () => {
  it.skipIf(!hasPython)('stores a message from Python smtplib in the recipient mailbox before answering 250', async () => {
    app = await createE2eApp(['provider-smtp', 'store-sqlite'], {
      store: { provider: 'store-sqlite' },
      transportOrder: ['smtp'],
      providers: { smtp: { config: listenConfig } },
    });
    kernel = createKernel({ root: app.root, env: {} });
    await kernel.start();
    expect(kernel.providerState('smtp')).toBe('online');

    const run = await runSmtplib(listenPort(kernel));
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ refused: {} });
    // smtplib returned after the 250: the entry must already be there, without waiting.
    const inbox = await kernel.store()!.listInbox('smtp:ada@example.org');
    expect(inbox).toHaveLength(1);
    const entry = inbox[0]!;
    expect(entry.receivedBy).toBe('smtp');
    expect(entry.envelope.subject).toBe('Interop from smtplib — ünïcode');
    expect(entry.envelope.messageId).toBe('<smtplib-interop-1@sender.test>');
    expect(entry.envelope.from).toEqual({ type: 'smtp', address: 'py@sender.test', name: 'Python Sender' });
    expect(entry.envelope.headers['X-Interop']).toBe('python-smtplib');
    const byKind = new Map(entry.parts.map((p) => [p.kind, p]));
    expect(await text(kernel.store()!.openPart(byKind.get('text')!.partId))).toBe('Text body from Python.\n');
    const blob = entry.parts.find((p) => p.filename === 'blob.bin')!;
    expect(blob.size).toBe(256 * 40);
  });

  it('answers 452 4.3.1 when the store is full, and keeps nothing', async () => {
    app = await createE2eApp(['provider-smtp'], { transportOrder: ['smtp'], providers: { smtp: { config: listenConfig } } });
    // A store with a size quota behaves like a full disk: its writes fail with XPORT_STORE_FULL.
    const store = createSqliteStore({ path: join(app.root, 'quota.db'), maxSizeBytes: 256 * 1024 });
    kernel = createKernel({ root: app.root, env: {}, store });
    await kernel.start();
    const client = nodemailer.createTransport({ host: '127.0.0.1', port: listenPort(kernel), ignoreTLS: true, logger: false });
    try {
      const small = await client.sendMail({ from: 'peer@example.net', to: 'ada@example.org', subject: 'fits', text: 'small' });
      expect(small.response).toMatch(/^250 /);
      const big = client.sendMail({
        from: 'peer@example.net',
        to: 'ada@example.org',
        subject: 'does not fit',
        text: 'big',
        attachments: [{ filename: 'big.bin', content: Buffer.alloc(1024 * 1024, 1) }],
      });
      await expect(big).rejects.toMatchObject({ responseCode: 452, response: expect.stringContaining('4.3.1') });
    } finally {
      client.close();
    }
    expect((await store.listInbox('smtp:ada@example.org')).map((e) => e.envelope.subject)).toEqual(['fits']);
  });
});
