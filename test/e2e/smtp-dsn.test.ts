import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from '@xport/core';
import type { TransportProvider } from '@xport/provider-sdk';
import { hasPython, INTEROP, runPython } from './python-interop.js';
import { createE2eApp, type E2eApp } from './test-app.js';
import { startSink, type Sink } from './smtp-sink.js';

// Reports that travel, against real SMTP peers: the DSN a remote sender receives from xport is read
// by Python's email package (as a mail client would), and a bounce a remote MTA returns over SMTP
// with MAIL FROM:<> (Python smtplib) is recognised by the kernel.
// aiosmtpd (Python's smtpd is gone since 3.12) is installed for Debian's python3, not always for pyenv's.
const aiosmtpdPython = ['python3', '/usr/bin/python3'].find((python) => spawnSync(python, ['-c', 'import aiosmtpd'], { stdio: 'ignore' }).status === 0);

let app: E2eApp | undefined;
let kernel: Kernel | undefined;
let sink: Sink | undefined;
let pythonSink: ChildProcess | undefined;
let sinkDir: string | undefined;

afterEach(async () => {
  await kernel?.stop();
  await sink?.close();
  pythonSink?.kill('SIGTERM');
  if (sinkDir) await rm(sinkDir, { recursive: true, force: true });
  pythonSink = undefined;
  sinkDir = undefined;
  await app?.cleanup();
  kernel = undefined;
  sink = undefined;
  app = undefined;
});

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

  it.skipIf(!hasPython || aiosmtpdPython === undefined)('sends the NDR of recipients unroutable at submit as one DSN through an aiosmtpd relay, under the null sender', async () => {
    sinkDir = await mkdtemp(join(tmpdir(), 'xport-dsn-aiosmtpd-'));
    const started = spawn(aiosmtpdPython!, ['-W', 'ignore', join(INTEROP, 'smtpd_sink.py'), sinkDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    pythonSink = started;
    const port = await new Promise<number>((resolve, reject) => {
      started.once('exit', (code) => reject(new Error(`smtpd_sink.py exited with ${code}`)));
      started.stdout!.setEncoding('utf8').on('data', (line: string) => {
        const match = /PORT (\d+)/.exec(line);
        if (match) resolve(Number(match[1]));
      });
    });
    const k = await startKernel({ relay: { host: '127.0.0.1', port } }, { reportingMta: 'mx.example.org' });
    await k.submit({ from: 'zed@elsewhere.test', to: ['fax:+1 555 0100', 'good@remote.test', 'telex:42'], subject: 'to three', text: 'x' });

    // The sink writes msg-<n>.json once a message is in: the original for good@, and the DSN.
    const envelopes = async () => {
      const names = (await readdir(sinkDir!)).filter((n) => n.endsWith('.json')).sort();
      return Promise.all(names.map(async (n) => ({ name: n, ...(JSON.parse(await readFile(join(sinkDir!, n), 'utf8')) as { from: string; to: string[] }) })));
    };
    await expect.poll(async () => (await envelopes()).length, { timeout: 15_000 }).toBe(2);
    const dsn = (await envelopes()).find((e) => e.to[0] === 'zed@elsewhere.test')!;
    expect(dsn.from).toMatch(/^(<>)?$/);
    const read = await runPython('dsn_read.py', [], await readFile(join(sinkDir, dsn.name.replace(/\.json$/, '.eml'))));
    expect(read.stderr).toBe('');
    expect(JSON.parse(read.stdout)).toMatchObject({
      contentType: 'multipart/report',
      reportType: 'delivery-status',
      perRecipient: [
        { 'Final-Recipient': 'x-fax; +1 555 0100', Action: 'failed', Status: '5.1.2', 'Diagnostic-Code': 'x-xport; no transport for address type fax (recipient fax:+1 555 0100)' },
        { 'Final-Recipient': 'x-telex; 42', Action: 'failed', Status: '5.1.2', 'Diagnostic-Code': 'x-xport; no transport for address type telex (recipient telex:42)' },
      ],
    });
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
