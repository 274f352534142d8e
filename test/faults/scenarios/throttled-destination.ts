import { createKernel, type Kernel } from '@xport/core';
import type { MessageStore } from '@xport/provider-sdk';
import { createE2eApp, percentile, submitMany, until, type E2eApp } from '../support/harness.js';
import { startRecordingSink, type RecordingSink } from '../support/smtp-sink.js';

export interface ThrottledDestinationOptions {
  /** Messages to the throttling relay, submitted first. */
  readonly messages: number;
  /** Messages to the other destination (loopback), submitted once the relay has refused a send. */
  readonly others: number;
  /** Sessions the relay holds at once; the next is greeted 421. */
  readonly relaySessions: number;
  /** The relay's time over each message. */
  readonly relayDataDelayMs: number;
  readonly timeLimitMs: number;
}

export interface ThrottledDestinationFigures {
  readonly messages: number;
  readonly others: number;
  /** What the transport may send at once, and the relay's own limit. */
  readonly configuredConcurrency: number;
  readonly relaySessions: number;
  /** Sends the kernel saw refused with 421 (each deferred, not failed). */
  readonly refused421: number;
  /** The lowest concurrency the kernel allowed the relay's destination while it refused. */
  readonly lowestConcurrency: number | null;
  readonly relayConnections: number;
  readonly relayPeakSessions: number;
  /** Relay messages accepted once / more than once / never. */
  readonly delivered: number;
  readonly duplicates: number;
  readonly missing: number;
  /** The other destination: delivered, deferred, the most attempts a recipient took, and its latency. */
  readonly othersDelivered: number;
  readonly othersDeferred: number;
  readonly othersMaxAttempts: number;
  readonly othersP99Ms: number;
  /** Relay messages not yet accepted when the other destination's last message was delivered. */
  readonly relayBacklogAtOthersDone: number;
  readonly seconds: number;
}

/**
 * A relay that holds only `relaySessions` sessions and greets the next one with `421 Too many
 * connected clients`, behind a transport allowed 8 sends at once; and a second destination
 * (loopback) whose mail is submitted while the relay refuses. The relay must get everything, slowed
 * rather than hammered; the other destination must not wait behind it.
 */
export async function runThrottledDestinationScenario(options: ThrottledDestinationOptions): Promise<ThrottledDestinationFigures> {
  const started = Date.now();
  const configuredConcurrency = 8;
  let app: E2eApp | undefined;
  let kernel: Kernel | undefined;
  let sink: RecordingSink | undefined;
  try {
    sink = await startRecordingSink({ maxClients: options.relaySessions, dataDelayMs: options.relayDataDelayMs });
    const relay = sink;
    app = await createE2eApp(['provider-smtp', 'provider-loopback', 'store-sqlite'], {
      store: { provider: 'store-sqlite' },
      transportOrder: ['smtp', 'loopback'],
      providers: {
        smtp: {
          config: { relay: { host: '127.0.0.1', port: relay.port, pool: { maxConnections: configuredConcurrency }, connectionTimeoutMs: 20_000, greetingTimeoutMs: 20_000, socketTimeoutMs: 20_000 } },
          limits: { concurrency: configuredConcurrency },
        },
      },
      // Deferred recipients come back soon: the scenario waits for every message to arrive.
      spooler: { pollMs: 50, retry: { minDelayMs: 100, maxDelayMs: 400, lifetimeMs: 3_600_000 } },
    });
    kernel = createKernel({ root: app.root, env: {} });
    await kernel.start();
    const k = kernel;
    const spooler = k.spooler();

    let refused421 = 0;
    let lowestConcurrency: number | null = null;
    let othersDeferred = 0;
    spooler.on('deferred', (e) => {
      if (e.provider === 'loopback') othersDeferred += 1;
      if (e.provider !== 'smtp' || !/\b421\b/.test(e.error.diagnostic)) return;
      refused421 += 1;
      const [destination] = k.destinations().filter((d) => d.provider === 'smtp');
      if (destination?.concurrency != null) lowestConcurrency = Math.min(lowestConcurrency ?? Infinity, destination.concurrency);
    });

    let relayDelivered = 0;
    let othersDelivered = 0;
    let relayBacklogAtOthersDone = -1;
    const othersSubmittedAt = new Map<string, number>();
    const othersLatency: number[] = [];
    spooler.on('delivered', (e) => {
      if (e.provider === 'smtp') relayDelivered += 1;
      if (e.provider !== 'loopback') return;
      const submittedAt = othersSubmittedAt.get(e.recipient.address);
      if (submittedAt !== undefined) othersLatency.push(performance.now() - submittedAt);
      if (++othersDelivered === options.others) relayBacklogAtOthersDone = options.messages - relayDelivered;
    });

    await submitMany(options.messages, 8, (n) =>
      k.submit({ from: 'sender@example.org', to: [`t${n}@example.net`], subject: `t${n}`, headers: { 'X-Fault-Seq': `t${n}` }, text: `message ${n}` }),
    );
    await until('the relay to refuse a send with 421', () => refused421 > 0, options.timeLimitMs);
    await submitMany(options.others, 8, (n) => {
      othersSubmittedAt.set(`o${n}`, performance.now());
      return k.submit({ from: 'sender@example.org', to: [`loopback:o${n}`], subject: `o${n}`, text: `message ${n}` });
    });
    await until('every message to the other destination', () => othersDelivered === options.others, options.timeLimitMs, () => ({ othersDelivered }));
    await until('every message at the relay', () => relayDelivered === options.messages, options.timeLimitMs, () => ({ relayDelivered, refused421 }));

    const store = k.store() as MessageStore;
    let othersMaxAttempts = 0;
    for (const message of await store.listSent({ limit: options.messages + options.others + 1 })) {
      for (const r of message.recipients) if (r.recipient.type === 'loopback') othersMaxAttempts = Math.max(othersMaxAttempts, r.attempts);
    }
    const counts = Array.from({ length: options.messages }, (_, n) => relay.accepted.get(`t${n} t${n}@example.net`) ?? 0);
    othersLatency.sort((a, b) => a - b);
    return {
      messages: options.messages,
      others: options.others,
      configuredConcurrency,
      relaySessions: options.relaySessions,
      refused421,
      lowestConcurrency,
      relayConnections: relay.connections,
      relayPeakSessions: relay.peakSessions,
      delivered: counts.filter((c) => c >= 1).length,
      duplicates: counts.filter((c) => c > 1).length,
      missing: counts.filter((c) => c === 0).length,
      othersDelivered,
      othersDeferred,
      othersMaxAttempts,
      othersP99Ms: Math.round(percentile(othersLatency, 99)),
      relayBacklogAtOthersDone,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    await kernel?.stop();
    await sink?.close();
    await app?.cleanup();
  }
}
