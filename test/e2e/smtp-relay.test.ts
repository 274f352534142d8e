import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from '@xport/core';
import { createE2eApp, type E2eApp } from './test-app.js';
import { createCertificate, createLogCollector, simpleParser, startSink, type Sink } from './smtp-sink.js';

// The SMTP provider found through its manifest by a real kernel on the SQLite store, relaying to an
// in-process smtp-server over STARTTLS with AUTH, credentials from the kernel's credential service.
const PASSWORD = 'correct-horse-battery-staple';
let certificate: { key: string; cert: string };
let app: E2eApp | undefined;
let kernel: Kernel | undefined;
let sink: Sink | undefined;

beforeAll(async () => {
  certificate = await createCertificate();
});

afterEach(async () => {
  await kernel?.stop();
  await sink?.close();
  await app?.cleanup();
  kernel = undefined;
  sink = undefined;
  app = undefined;
});

// The relay's timeouts are safety nets (nothing here waits for one): the in-process relay shares
// this process's event loop, which a loaded machine slows down.
async function appFor(port: number): Promise<E2eApp> {
  return createE2eApp(['provider-smtp', 'provider-loopback', 'store-sqlite'], {
    store: { provider: 'store-sqlite' },
    transportOrder: ['smtp', 'loopback'],
    providers: {
      smtp: { config: { relay: { host: '127.0.0.1', port, ca: certificate.cert, pool: { maxConnections: 2 }, connectionTimeoutMs: 20_000, greetingTimeoutMs: 20_000, socketTimeoutMs: 20_000 } } },
      loopback: { config: { latencyMs: 0 } },
    },
    credentials: { env: true },
    logonRetry: { minDelayMs: 60_000, maxDelayMs: 60_000 },
    spooler: { pollMs: 50 },
  });
}

describe('kernel + provider-smtp relay', () => {
  it('relays SMTP recipients, delivers loopback ones locally, and returns a DSN for the one the relay refuses with its code and text', async () => {
    sink = await startSink({ tls: certificate, users: { ada: PASSWORD }, rcpt: (a) => (a === 'nobody@example.net' ? { code: 550, text: '5.1.1 <nobody@example.net>: Recipient address rejected: User unknown' } : undefined) });
    app = await appFor(sink.port);
    kernel = createKernel({ root: app.root, credentials: { smtp: { username: 'ada', password: PASSWORD } }, env: {} });
    await kernel.start();
    expect(kernel.providerState('smtp')).toBe('online');
    expect(sink.authAttempts.map((a) => [a.method, a.username])).toEqual([['PLAIN', 'ada']]);

    const attachment = Buffer.from(Array.from({ length: 30_000 }, (_, i) => i % 251));
    const receipt = await kernel.submit({
      from: 'Ada <ada@example.org>',
      to: ['Bob <bob@example.net>', 'loopback:desk', 'nobody@example.net'],
      cc: ['carol@example.net'],
      subject: 'Quarterly figures — ✓',
      headers: { 'X-Ticket': 'T-42' },
      messageId: '<e2e-relay-1@example.org>',
      text: 'Figures attached.\n',
      attachments: [{ filename: 'figures.bin', contentType: 'application/octet-stream', content: attachment }],
    });
    expect(receipt.recipients.map((r) => [r.recipient.address, r.provider])).toEqual([
      ['bob@example.net', 'smtp'],
      ['desk', 'loopback'],
      ['nobody@example.net', 'smtp'],
      ['carol@example.net', 'smtp'],
    ]);
    const store = kernel.store()!;
    await expect.poll(async () => (await store.getMessage(receipt.messageId))?.finishedAt, { timeout: 15_000 }).toBeTypeOf('number');

    const done = (await store.getMessage(receipt.messageId))!;
    expect(done.recipients.map((r) => [r.recipient.address, r.state])).toEqual([
      ['bob@example.net', 'delivered'],
      ['desk', 'delivered'],
      ['nobody@example.net', 'failed'],
      ['carol@example.net', 'delivered'],
    ]);

    // The relay got one transaction with the SMTP recipients it accepted, and the whole message
    // (then the DSN for the refused one, below).
    await expect.poll(() => sink!.received.length, { timeout: 15_000 }).toBe(2);
    const mail = sink.received.find((m) => m.from !== '')!;
    expect(mail.from).toBe('ada@example.org');
    expect([...mail.to].sort()).toEqual(['bob@example.net', 'carol@example.net']);
    const parsed = await simpleParser(mail.raw);
    expect(parsed.messageId).toBe('<e2e-relay-1@example.org>');
    expect(parsed.subject).toBe('Quarterly figures — ✓');
    expect(parsed.headers.get('x-ticket')).toBe('T-42');
    expect(parsed.text).toBe('Figures attached.\n');
    expect((parsed.to as { text: string }).text).toContain('bob@example.net');
    expect((parsed.to as { text: string }).text).not.toContain('desk');
    expect((parsed.cc as { text: string }).text).toBe('carol@example.net');
    expect(parsed.attachments.map((a) => a.filename)).toEqual(['figures.bin']);
    expect(Buffer.compare(parsed.attachments[0]!.content, attachment)).toBe(0);

    // The loopback recipient was delivered into the local inbox.
    const desk = await store.listInbox('loopback:desk');
    expect(desk.map((e) => e.envelope.subject)).toEqual(['Quarterly figures — ✓']);

    // An SMTP sender is told by a standard DSN through the relay (MAIL FROM:<>), carrying the relay's
    // enhanced code and reply text; nothing lands in a local mailbox.
    expect(await store.listInbox('smtp:ada@example.org')).toEqual([]);
    const dsn = sink.received.find((m) => m.from === '')!;
    expect(dsn.to).toEqual(['ada@example.org']);
    const report = await simpleParser(dsn.raw, { keepDeliveryStatus: true });
    expect(report.headers.get('content-type')).toMatchObject({ value: 'multipart/report', params: { 'report-type': 'delivery-status' } });
    expect(report.text).toMatch(/Code:\s+5\.1\.1/);
    const status = report.attachments.find((a) => a.contentType === 'message/delivery-status')!.content.toString('utf8');
    expect(status).toContain('Final-Recipient: rfc822; nobody@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\n');
    expect(status.replace(/\r\n /g, ' ')).toContain('Recipient address rejected: User unknown');
  });

  it('logs on with XPORT_SMTP__USERNAME / XPORT_SMTP__PASSWORD from the environment', async () => {
    sink = await startSink({ tls: certificate, users: { 'env-user': PASSWORD } });
    app = await appFor(sink.port);
    kernel = createKernel({ root: app.root, env: { XPORT_SMTP__USERNAME: 'env-user', XPORT_SMTP__PASSWORD: PASSWORD } });
    await kernel.start();
    expect(kernel.providerState('smtp')).toBe('online');
    expect(sink.authAttempts.map((a) => [a.username, a.password])).toEqual([['env-user', PASSWORD]]);
    const receipt = await kernel.submit({ from: 'env-user@example.org', to: ['bob@example.net'], subject: 'from env', text: 'hi' });
    await expect.poll(async () => (await kernel!.store()!.getMessage(receipt.messageId))?.recipients[0]?.state, { timeout: 15_000 }).toBe('delivered');
    expect(sink.received.map((m) => m.to)).toEqual([['bob@example.net']]);
  });

  it('is logon-failed on a 535 with the server reply in status, and the password nowhere in status or logs', async () => {
    sink = await startSink({ tls: certificate, users: { ada: 'the-right-one' } });
    app = await appFor(sink.port);
    const { lines, logger } = createLogCollector();
    kernel = createKernel({ root: app.root, credentials: { smtp: { username: 'ada', password: PASSWORD } }, env: {}, logger });
    await kernel.start();
    const row = kernel.status().find((r) => r.id === 'smtp')!;
    expect(row.state).toBe('logon-failed');
    expect(row.lastError?.code).toBe('XPORT_LOGON_FAILED');
    expect(row.lastError?.message).toContain('535');
    expect(row.lastError?.message).toContain('5.7.8 Authentication credentials invalid');
    expect(sink.authAttempts.map((a) => a.password)).toEqual([PASSWORD]);

    // A message for the relay waits: nothing is attempted while the provider cannot log on.
    const receipt = await kernel.submit({ from: 'ada@example.org', to: ['bob@example.net'], subject: 'held', text: 'held' });
    await kernel.spooler().flush('smtp');
    const held = (await kernel.store()!.getMessage(receipt.messageId))!.recipients[0]!;
    expect([held.state, held.attempts]).toEqual(['queued', 0]);

    const base64 = Buffer.from(PASSWORD).toString('base64');
    const everything = JSON.stringify(kernel.status()) + lines.join('\n');
    expect(lines.some((l) => l.includes('5.7.8'))).toBe(true);
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(base64);
  });
});
