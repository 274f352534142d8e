import { afterEach, describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from '@xport/core';
import { createE2eApp, type E2eApp } from './test-app.js';
import { startSink, type Sink } from './smtp-sink.js';

// A relay that answers 421 above 3 concurrent connections, behind a transport allowed 8 sends at
// once: the kernel's per-destination feedback must slow down to what the relay takes.
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

const MESSAGES = 40;

describe('kernel + provider-smtp against a relay that limits connections', () => {
  it('receives everything, with a bounded number of 421s: the relay destination is slowed, not hammered', { timeout: 120_000 }, async () => {
    sink = await startSink({ maxClients: 3 });
    app = await createE2eApp(['provider-smtp', 'store-memory'], {
      store: { provider: 'store-memory' },
      transportOrder: ['smtp'],
      providers: {
        smtp: {
          limits: { concurrency: 8 },
          config: { relay: { host: '127.0.0.1', port: sink.port, pool: { maxConnections: 8 }, connectionTimeoutMs: 20_000, greetingTimeoutMs: 20_000, socketTimeoutMs: 20_000 } },
        },
      },
      // Deferred recipients come back soon: the test waits for every message to arrive.
      spooler: { pollMs: 50, retry: { minDelayMs: 100, maxDelayMs: 400, lifetimeMs: 600_000 } },
    });
    kernel = createKernel({ root: app.root, env: {} });
    await kernel.start();
    expect(kernel.providerState('smtp')).toBe('online');

    const throttled: string[] = [];
    kernel.spooler().on('deferred', (e) => void (/421/.test(e.error.diagnostic) && throttled.push(e.recipient.address)));
    let delivered = 0;
    const all = new Promise<void>((resolve) => kernel!.spooler().on('delivered', () => ++delivered === MESSAGES && resolve()));
    for (let i = 0; i < MESSAGES; i++) await kernel.submit({ from: 'ada@example.org', to: [`r${i}@example.net`], subject: `m${i}`, text: 'hello' });
    await all;

    expect(new Set(sink.received.map((m) => m.to[0])).size).toBe(MESSAGES);
    const [relay] = kernel.destinations();
    expect(relay).toMatchObject({ provider: 'smtp', destination: `127.0.0.1:${sink.port}`, concurrencyLimit: 8 });
    // Without feedback every round hands the relay 8 sends and 5 of them are refused; with it the
    // window falls to what the relay takes and only probes above it now and then.
    // (Measured: about 5 refusals with feedback, about 30 without, for 40 messages.)
    expect(throttled.length, `${throttled.length} sends refused with 421`).toBeLessThan(MESSAGES / 2);
  });
});
