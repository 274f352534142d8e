import { afterEach, describe, expect, it } from 'vitest';
import { createKernel, type Kernel, type ProviderStateChange } from '@xport/core';
import { createE2eApp, type E2eApp } from './test-app.js';
import { freePort, startSink, type Sink, type SinkReply } from './smtp-sink.js';

// Store and forward through the real kernel: a relay that is down, goes down or answers 4xx never
// costs a message. Retry backoff for recipients is a minute, so a delivery within the test's
// time means the kernel made the queue due when the relay came back, not that the backoff ran out.
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

async function startKernel(port: number, retryMinDelayMs = 60_000): Promise<{ kernel: Kernel; changes: ProviderStateChange[] }> {
  app = await createE2eApp(['provider-smtp', 'store-sqlite'], {
    store: { provider: 'store-sqlite' },
    transportOrder: ['smtp'],
    // The relay's outages here are refused connections, never silence: its timeouts are only safety
    // nets, long enough that an in-process relay on a loaded machine never trips them.
    providers: { smtp: { config: { relay: { host: '127.0.0.1', port, pool: { maxConnections: 1 }, connectionTimeoutMs: 20_000, greetingTimeoutMs: 20_000, socketTimeoutMs: 20_000 } } } },
    logonRetry: { minDelayMs: 100, maxDelayMs: 200 },
    spooler: { pollMs: 50, retry: { minDelayMs: retryMinDelayMs, maxDelayMs: 120_000 } },
  });
  const changes: ProviderStateChange[] = [];
  kernel = createKernel({ root: app.root, env: {} });
  kernel.on('provider-state', (c) => {
    if (c.id === 'smtp') changes.push(c);
  });
  await kernel.start();
  return { kernel, changes };
}

async function recipientOf(k: Kernel, messageId: string) {
  return (await k.store()!.getMessage(messageId))!.recipients[0]!;
}

describe('kernel + provider-smtp, relay outages', () => {
  it('starts offline when the relay refuses connections, burns no attempt, and sends as soon as a logon retry succeeds', async () => {
    const port = await freePort();
    const { kernel, changes } = await startKernel(port);
    const row = kernel.status().find((r) => r.id === 'smtp')!;
    expect(row.state).toBe('offline');
    expect(row.lastError?.code).toBe('XPORT_PROVIDER_UNAVAILABLE');
    expect(row.lastError?.message).toContain(`127.0.0.1:${port}`);

    const receipt = await kernel.submit({ from: 'ada@example.org', to: ['bob@example.net'], subject: 'queued while down', text: 'hi' });
    // Several logon retries come and go; the recipient is never handed to the transport meanwhile.
    await expect.poll(() => changes.filter((c) => c.to === 'offline').length, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    expect(await recipientOf(kernel, receipt.messageId)).toMatchObject({ state: 'queued', attempts: 0 });

    sink = await startSink({ port });
    await expect.poll(() => kernel.providerState('smtp'), { timeout: 10_000 }).toBe('online');
    await expect.poll(async () => (await recipientOf(kernel, receipt.messageId)).state, { timeout: 10_000 }).toBe('delivered');
    expect(await recipientOf(kernel, receipt.messageId)).toMatchObject({ attempts: 1 });
    expect(sink.received.map((m) => m.to)).toEqual([['bob@example.net']]);
  });

  it('defers when the relay goes away mid-run, takes the transport offline, and delivers once the relay is back', async () => {
    const port = await freePort();
    sink = await startSink({ port });
    const { kernel, changes } = await startKernel(port);
    const first = await kernel.submit({ from: 'ada@example.org', to: ['bob@example.net'], subject: 'before', text: '1' });
    await expect.poll(async () => (await recipientOf(kernel, first.messageId)).state, { timeout: 10_000 }).toBe('delivered');

    await sink.close();
    sink = undefined;
    const second = await kernel.submit({ from: 'ada@example.org', to: ['carol@example.net'], subject: 'during', text: '2' });
    await expect.poll(async () => (await recipientOf(kernel, second.messageId)).state, { timeout: 10_000 }).toBe('deferred');
    const deferred = await recipientOf(kernel, second.messageId);
    expect(deferred.attempts).toBe(1);
    expect(deferred.lastError?.code).toBe('4.4.2');
    // The retry is at least the minimum backoff (a minute) after the attempt, which came after the submit.
    const submittedAt = (await kernel.store()!.getMessage(second.messageId))!.submittedAt;
    expect(deferred.nextAttemptAt! - submittedAt).toBeGreaterThanOrEqual(60_000);
    // The transport said it is unavailable: the kernel takes it offline and keeps logging on.
    await expect.poll(() => kernel.status().find((r) => r.id === 'smtp')?.lastError?.code, { timeout: 10_000 }).toBe('XPORT_PROVIDER_UNAVAILABLE');
    await expect.poll(() => changes.filter((c) => c.from === 'logging-on' && c.to === 'offline').length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    expect(await recipientOf(kernel, second.messageId)).toMatchObject({ state: 'deferred', attempts: 1 });

    sink = await startSink({ port });
    await expect.poll(async () => (await recipientOf(kernel, second.messageId)).state, { timeout: 10_000 }).toBe('delivered');
    expect(kernel.providerState('smtp')).toBe('online');
    expect(await recipientOf(kernel, second.messageId)).toMatchObject({ attempts: 2 });
    expect(sink.received.map((m) => m.to)).toEqual([['carol@example.net']]);
  });

  it('defers a recipient the relay answers 4xx with backoff and delivers it on a later attempt', async () => {
    let busy = 1;
    const rcpt = (address: string): SinkReply => (address === 'bob@example.net' && busy-- > 0 ? { code: 451, text: '4.2.1 Mailbox busy, try later' } : undefined);
    sink = await startSink({ rcpt });
    const { kernel } = await startKernel(sink.port, 300);
    const deferrals: string[] = [];
    kernel.spooler().on('deferred', (e) => deferrals.push(`${e.recipient.address}`));
    const receipt = await kernel.submit({ from: 'ada@example.org', to: ['bob@example.net'], subject: 'busy', text: 'hi' });
    await expect.poll(async () => (await recipientOf(kernel, receipt.messageId)).state, { timeout: 10_000 }).toBe('delivered');
    const done = await recipientOf(kernel, receipt.messageId);
    expect(done.attempts).toBe(2);
    expect(deferrals).toEqual(['bob@example.net']);
    // A reply is not an outage: the transport stayed online throughout.
    expect(kernel.providerState('smtp')).toBe('online');
    expect(sink.received.map((m) => m.to)).toEqual([['bob@example.net']]);
  });
});
