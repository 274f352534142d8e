import { createKernel, type Kernel } from '@xport/core';
import type { MessageStore } from '@xport/provider-sdk';
import { createE2eApp, printFigures, sleep, submitMany, until, type E2eApp } from '../support/harness.js';
import { freePort, startRecordingSink, startSilentServer, type RecordingSink, type SilentServer } from '../support/smtp-sink.js';

export interface OutageOptions {
  readonly messages: number;
  /** How long each of the three outage phases lasts. */
  readonly phaseMs: number;
  readonly timeLimitMs: number;
}

export interface OutageFigures {
  readonly messages: number;
  readonly outageMs: number;
  /** Logon attempts while the port refused connections (each one a connection attempt). */
  readonly logonsWhileRefused: number;
  readonly connectionsWhileHung: number;
  readonly connectionsWhile4xx: number;
  readonly dataRejectedWhile4xx: number;
  readonly logonsDuringOutage: number;
  readonly attemptsPerRecipient: { readonly max: number; readonly mean: number; readonly histogram: Record<number, number> };
  /** The most attempts a recipient may make in the outage under the configured backoff (the check). */
  readonly attemptBound: number;
  readonly connectionBound: number;
  readonly recoveredInMs: number;
  /** How far after the relay came back the latest deferred or queued recipient was due (the check: within the longest backoff step). */
  readonly latestDueAfterRecoveryMs: number;
  /** The longest backoff step. */
  readonly maxDelayMs: number;
  readonly missing: number;
  readonly duplicates: number;
}

const RETRY = { minDelayMs: 1000, maxDelayMs: 4000 };
// Logon retries top out below one phase, so every phase sees the relay tried.
const LOGON_RETRY = { minDelayMs: 500, maxDelayMs: 1500 };

/** How many attempts exponential backoff (min, doubling, capped, jitter ≥ 0.75×) allows within `ms`, plus the first. */
function attemptsWithin(ms: number, retry: { minDelayMs: number; maxDelayMs: number }): number {
  let attempts = 1;
  let elapsed = 0;
  for (let delay = retry.minDelayMs; ; delay = Math.min(delay * 2, retry.maxDelayMs)) {
    elapsed += Math.max(retry.minDelayMs, delay * 0.75);
    if (elapsed > ms) return attempts;
    attempts += 1;
  }
}

/**
 * Scenario 2: the SMTP relay refuses connections, then accepts TCP but never answers, then answers
 * 421/451, then recovers. Every message is delivered after the recovery, and the attempts made
 * during the outage follow the backoff: no tight retry loop.
 */
export async function runOutageScenario(options: OutageOptions): Promise<OutageFigures> {
  let app: E2eApp | undefined;
  let kernel: Kernel | undefined;
  let sink: RecordingSink | undefined;
  let silent: SilentServer | undefined;
  const sinks: RecordingSink[] = [];
  try {
    const port = await freePort();
    sink = await startRecordingSink({ port });
    sinks.push(sink);
    app = await createE2eApp(['provider-smtp', 'store-sqlite'], {
      store: { provider: 'store-sqlite' },
      transportOrder: ['smtp'],
      providers: {
        smtp: {
          config: { relay: { host: '127.0.0.1', port, pool: { maxConnections: 2 }, connectionTimeoutMs: 1000, greetingTimeoutMs: 1000, socketTimeoutMs: 2000 } },
          limits: { concurrency: 4 },
        },
      },
      logonRetry: LOGON_RETRY,
      spooler: { pollMs: 100, leaseMs: 30_000, sendTimeoutMs: 10_000, retry: RETRY },
    });
    kernel = createKernel({ root: app.root, env: {} });
    let logons = 0;
    kernel.on('provider-state', (change) => {
      if (change.id === 'smtp' && change.to === 'logging-on') logons += 1;
    });
    await kernel.start();
    const store = kernel.store() as MessageStore;
    const k = kernel;
    const submit = (n: number) =>
      k.submit({ from: 'sender@example.org', to: [`o${n}@example.net`], subject: `m${n}`, headers: { 'X-Fault-Seq': String(n) }, text: `message ${n}` });

    // Before: a quarter goes out normally.
    const quarter = Math.floor(options.messages / 4);
    await submitMany(quarter, 8, submit);
    await until('the first quarter delivered', async () => (await store.counts()).byState.delivered >= quarter, options.timeLimitMs);

    // Each phase lasts phaseMs, and at least until it has been exercised once: on a loaded machine
    // the retry that exercises it may come later than phaseMs.
    const phase = (what: string, exercised: () => boolean): Promise<unknown> =>
      Promise.all([sleep(options.phaseMs), until(what, exercised, options.timeLimitMs)]);

    // Outage, phase 1: nothing listens on the port (connection refused).
    const outageStarted = Date.now();
    const attemptsBefore = new Map((await store.listSent()).flatMap((m) => m.recipients.map((r) => [`${m.id}`, r.attempts] as const)));
    await sink.close();
    sink = undefined;
    const logonsAtOutage = logons;
    let n = quarter;
    const submitDuring = async (count: number): Promise<void> => {
      const from = n;
      n += count;
      await submitMany(count, 8, (i) => submit(from + i));
    };
    await submitDuring(quarter);
    await phase('a logon attempt while the port refuses connections', () => logons > logonsAtOutage);
    const logonsWhileRefused = logons - logonsAtOutage;

    // Phase 2: TCP accepted, never a greeting (a hung relay).
    silent = await startSilentServer(port);
    const hung = silent;
    await submitDuring(quarter);
    await phase('a connection to the hung relay', () => hung.connections > 0);
    const connectionsWhileHung = silent.connections;
    await silent.close();
    silent = undefined;

    // Phase 3: the relay talks but answers DATA with 421 / 451 (try again later).
    let rejected = 0;
    sink = await startRecordingSink({
      port,
      dataReply: () => {
        rejected += 1;
        return rejected % 2 === 0 ? { code: 421, text: '4.3.2 Service shutting down, try later' } : { code: 451, text: '4.3.0 Local error, try later' };
      },
    });
    sinks.push(sink);
    await submitDuring(options.messages - n);
    await phase('a DATA answered 4xx', () => rejected > 0);
    const connectionsWhile4xx = sink.connections;
    await sink.close();
    const outageMs = Date.now() - outageStarted;
    const logonsDuringOutage = logons - logonsAtOutage;

    // Recovery: a relay that accepts. What is waiting must not be due later than the longest backoff
    // step (read from the store, not timed: a loaded machine delivers later, not on a later schedule).
    const recoveredAt = Date.now();
    const waiting = (await store.listQueue()).flatMap((m) => m.recipients).filter((r) => r.state === 'deferred' || r.state === 'queued');
    const latestDueAfterRecoveryMs = Math.max(0, ...waiting.map((r) => (r.nextAttemptAt ?? recoveredAt) - recoveredAt));
    sink = await startRecordingSink({ port });
    sinks.push(sink);
    await until('every message delivered after the recovery', async () => (await store.counts()).byState.delivered >= options.messages, options.timeLimitMs, async () => (await store.counts()).byState);
    const recoveredInMs = Date.now() - recoveredAt;

    const histogram: Record<number, number> = {};
    let total = 0;
    let max = 0;
    const sent = await store.listSent();
    for (const m of sent) {
      if (attemptsBefore.has(m.id)) continue;
      for (const r of m.recipients) {
        histogram[r.attempts] = (histogram[r.attempts] ?? 0) + 1;
        total += r.attempts;
        max = Math.max(max, r.attempts);
      }
    }
    const outageRecipients = options.messages - quarter;
    // Each attempt of a recipient is at most one connection; each logon is one more.
    const attemptBound = attemptsWithin(outageMs, RETRY) + 1;
    const connectionBound = outageRecipients * attemptBound + attemptsWithin(outageMs, LOGON_RETRY) * 2 + 10;
    let missing = 0;
    let duplicates = 0;
    for (let i = 0; i < options.messages; i++) {
      const times = sinks.reduce((sum, s) => sum + (s.accepted.get(`${i} o${i}@example.net`) ?? 0), 0);
      if (times === 0) missing += 1;
      if (times > 1) duplicates += times - 1;
    }
    const figures: OutageFigures = {
      messages: options.messages,
      outageMs,
      logonsWhileRefused,
      connectionsWhileHung,
      connectionsWhile4xx,
      dataRejectedWhile4xx: rejected,
      logonsDuringOutage,
      attemptsPerRecipient: { max, mean: Math.round((total / Math.max(1, outageRecipients)) * 100) / 100, histogram },
      attemptBound,
      connectionBound,
      recoveredInMs,
      latestDueAfterRecoveryMs,
      maxDelayMs: RETRY.maxDelayMs,
      missing,
      duplicates,
    };
    printFigures('outage', figures as unknown as Record<string, unknown>);
    return figures;
  } finally {
    await kernel?.stop();
    await silent?.close();
    await sink?.close().catch(() => undefined);
    await app?.cleanup();
  }
}
