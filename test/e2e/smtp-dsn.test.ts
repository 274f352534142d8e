import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from '@xport/core';
import type { TransportProvider } from '@xport/provider-sdk';
import { createE2eApp, PACKAGES, type E2eApp } from './test-app.js';
import { startSink, type Sink } from './smtp-sink.js';

// Reports that travel, against real SMTP peers: the DSN a remote sender receives from xport is read
// by Python's email package (as a mail client would), and a bounce a remote MTA returns over SMTP
// with MAIL FROM:<> (Python smtplib) is recognised by the kernel.
const INTEROP = join(PACKAGES, 'provider-smtp', 'test', 'interop');
const hasPython = spawnSync('python3', ['-c', 'import email, smtplib'], { stdio: 'ignore' }).status === 0;

let app: E2eApp | undefined;
let kernel: Kernel | undefined;
let sink: Sink | undefined;

afterEach(async () => {
  await kernel?.stop();
  await sink?.close();
  await app?.cleanup();
  kernel = undefined;
  sink = undefined;
  app = undefined;
});

function runPython(script: string, args: readonly string[], input?: Buffer): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('python3', ['-W', 'ignore', join(INTEROP, script), ...args], { stdio: ['pipe', 'pipe', 'pipe'], timeout: 20_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? Buffer.alloc(0));
  });
}

async function startKernel(smtp: Record<string, unknown>, reports: Record<string, unknown> = {}): Promise<Kernel> {
  app = await createE2eApp(['provider-smtp', 'store-sqlite'], {
    store: { provider: 'store-sqlite' },
    transportOrder: ['smtp'],
    providers: { smtp: { config: smtp } },
    spooler: { pollMs: 50 },
    reports,
  });
  kernel = createKernel({ root: app.root, env: {} });
  await kernel.start();
  expect(kernel.providerState('smtp')).toBe('online');
  return kernel;
}

describe('standard DSNs over SMTP', () => {
  it.skipIf(!hasPython)('sends one RFC 3464 DSN with MAIL FROM:<> to a remote sender, which Python reads as multipart/report with each failed recipient', async () => {
    sink = await startSink({ rcpt: (a) => (a.startsWith('bad') ? { code: 550, text: `5.1.1 <${a}>: Recipient address rejected: User unknown` } : undefined) });
    const k = await startKernel({ relay: { host: '127.0.0.1', port: sink.port } }, { reportingMta: 'mx.example.org' });
    const receipt = await k.submit({ from: 'Zed <zed@elsewhere.test>', to: ['good@remote.test', 'bad1@remote.test'], cc: ['bad2@remote.test'], subject: 'Quarterly figures', messageId: '<q1@elsewhere.test>', text: 'Figures.\n' });
    await expect.poll(() => sink!.received.length, { timeout: 15_000 }).toBe(2);

    const [original, dsn] = sink.received;
    expect([original!.from, original!.to]).toEqual(['zed@elsewhere.test', ['good@remote.test']]);
    // The null reverse path: MAIL FROM:<>.
    expect([dsn!.from, dsn!.to]).toEqual(['', ['zed@elsewhere.test']]);
    const read = await runPython('dsn_read.py', [], dsn!.raw);
    expect(read.stderr).toBe('');
    const parsed = JSON.parse(read.stdout) as Record<string, unknown>;
    expect(parsed).toMatchObject({
      contentType: 'multipart/report',
      reportType: 'delivery-status',
      from: 'Mail Delivery System <MAILER-DAEMON@mx.example.org>',
      to: 'zed@elsewhere.test',
      subject: 'Undeliverable: Quarterly figures',
      autoSubmitted: 'auto-replied',
      parts: ['text/plain', 'message/delivery-status', 'text/rfc822-headers'],
      perMessage: { 'Reporting-MTA': 'dns; mx.example.org', 'Arrival-Date': expect.stringMatching(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/) },
      perRecipient: [
        {
          'Final-Recipient': 'rfc822; bad1@remote.test',
          Action: 'failed',
          Status: '5.1.1',
          'Diagnostic-Code': 'smtp; 550 5.1.1 <bad1@remote.test>: Recipient address rejected: User unknown',
          'Last-Attempt-Date': expect.any(String),
        },
        {
          'Final-Recipient': 'rfc822; bad2@remote.test',
          Action: 'failed',
          Status: '5.1.1',
          'Diagnostic-Code': 'smtp; 550 5.1.1 <bad2@remote.test>: Recipient address rejected: User unknown',
          'Last-Attempt-Date': expect.any(String),
        },
      ],
      returnedMessageId: '<q1@elsewhere.test>',
    });
    expect(parsed.text).toContain('bad1@remote.test');

    // Nothing in a local mailbox; the DSN finished as delivered, and no report was written about it.
    const store = k.store()!;
    expect(await store.listInbox('smtp:zed@elsewhere.test')).toEqual([]);
    await expect.poll(async () => (await store.listSent()).map((m) => [m.envelope.kind, m.recipients.map((r) => r.state)]).sort(), { timeout: 15_000 }).toEqual([
      ['note', ['delivered', 'failed', 'failed']],
      ['report.ndr', ['delivered']],
    ]);
    expect((await store.listSent()).find((m) => m.envelope.kind === 'report.ndr')?.envelope.reportFor).toBe(receipt.messageId);
  });

  it.skipIf(!hasPython)('accepts a bounce with MAIL FROM:<> on the listener and keeps it as report.dsn for the addressee and the bounce mailbox', async () => {
    const k = await startKernel({ listen: { enabled: true, port: 0, domains: ['example.org'] } });
    const port = (k.transport('smtp') as TransportProvider & { listenAddress(): { port: number } }).listenAddress().port;
    const sent = await runPython('dsn_send.py', [String(port), 'ada@example.org', '<orig-42@example.org>']);
    expect(sent.stderr).toBe('');
    expect(JSON.parse(sent.stdout)).toEqual({ refused: {} });

    // smtplib returned after the 250: the entries are there.
    const store = k.store()!;
    for (const mailbox of ['smtp:ada@example.org', 'xport:bounces']) {
      const entries = await store.listInbox(mailbox);
      expect(entries.map((e) => [e.envelope.kind, e.envelope.subject, e.receivedBy])).toEqual([['report.dsn', 'Undelivered Mail Returned to Sender', 'smtp']]);
      expect(entries[0]!.parts.map((p) => p.contentType.split(';')[0])).toEqual(['text/plain', 'message/delivery-status', 'text/rfc822-headers']);
    }
  });
});
