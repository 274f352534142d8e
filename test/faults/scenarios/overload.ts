import { createKernel, type Kernel } from '@xport/core';
import type { MessageStore } from '@xport/provider-sdk';
import { createE2eApp, currentRss, daemonSays, killDaemon, mib, openObserver, peakRss, percentile, printFigures, startDaemon, submitMany, until, type Daemon, type E2eApp } from '../support/harness.js';

export interface OverloadOptions {
  readonly messages: number;
  readonly timeLimitMs: number;
}

export interface OverloadFigures {
  readonly messages: number;
  readonly submitSeconds: number;
  readonly submitPerSecond: number;
  readonly submitP50Ms: number;
  readonly submitP99Ms: number;
  readonly submitMaxMs: number;
  /** Recipients not yet delivered when the last submit returned. */
  readonly queueDepthAfterSubmit: number;
  readonly maxQueueDepthSeen: number;
  readonly daemonPeakRssBytes: number | undefined;
  readonly daemonRssAtDeepestBytes: number | undefined;
  readonly drainSeconds: number;
  readonly drainPerSecond: number;
  readonly delivered: number;
}

/**
 * Scenario 3: messages are submitted (by another process, as `xport send` does) into a slow loopback
 * transport (latency, concurrency 2) on the SQLite store. Half of them are queued before the daemon
 * starts, so the queue is deep however fast the machine lets the daemon drain; the other half is
 * submitted while it drains. Every submit is accepted, the daemon's memory stays bounded while the
 * queue is deep, and everything drains. Submit latencies (of the second half) are figures.
 */
export async function runOverloadScenario(options: OverloadOptions): Promise<OverloadFigures> {
  let app: E2eApp | undefined;
  let daemon: Daemon | undefined;
  let submitter: Kernel | undefined;
  let observer: MessageStore | undefined;
  let sampler: ReturnType<typeof setInterval> | undefined;
  try {
    app = await createE2eApp(['provider-loopback', 'store-sqlite'], {
      store: { provider: 'store-sqlite' },
      transportOrder: ['loopback'],
      providers: { loopback: { config: { latencyMs: 5 }, limits: { concurrency: 2 } } },
      // Spooler defaults otherwise (pollMs 1 s, batchSize 100).
      spooler: { leaseMs: 60_000 },
    });
    const root = app.root;
    submitter = createKernel({ root, env: {} });
    await submitter.start({ spool: false });
    observer = await openObserver(root);
    const store = observer;
    const k = submitter;
    const submitOne = (n: number) =>
      k.submit({ from: 'loopback:flood', to: [`loopback:r${n % 1000}`], subject: `m${n}`, headers: { 'X-Fault-Seq': String(n) }, text: `message ${n} `.repeat(20) });
    let maxDepth = 0;
    let rssAtDeepest: number | undefined;
    const sample = async (): Promise<void> => {
      const { byState } = await store.counts();
      const depth = byState.queued + byState['in-flight'] + byState.deferred;
      if (depth >= maxDepth) {
        maxDepth = depth;
        rssAtDeepest = daemon === undefined ? undefined : currentRss(daemon.pid);
      }
    };
    const queuedFirst = Math.floor(options.messages / 2);
    await submitMany(queuedFirst, 16, submitOne);
    await sample();
    daemon = startDaemon(root);
    const d = daemon;
    await until('the daemon to bring loopback online', () => daemonSays(root, 'loopback') || !d.alive, 30_000);
    if (!d.alive) throw new Error(`the daemon died at start:\n${d.tail()}`);
    // counts() scans every recipient: sample sparingly, so the observer does not slow what it measures.
    sampler = setInterval(() => void sample().catch(() => undefined), 2000);

    const submitStarted = Date.now();
    const latencies = await submitMany(options.messages - queuedFirst, 16, (i) => submitOne(queuedFirst + i));
    const submitSeconds = (Date.now() - submitStarted) / 1000;
    await sample();
    const afterSubmit = await store.counts();
    const queueDepthAfterSubmit = options.messages - afterSubmit.byState.delivered;

    await until('the queue to drain', async () => (await store.counts()).byState.delivered >= options.messages || !d.alive, options.timeLimitMs, async () => (await store.counts()).byState, 1000);
    if (!d.alive) throw new Error(`the daemon died while draining:\n${d.tail()}`);
    const drainSeconds = (Date.now() - submitStarted) / 1000;
    clearInterval(sampler);
    const daemonPeakRssBytes = peakRss(d.pid);
    await killDaemon(d, 'SIGTERM');

    const sorted = [...latencies].sort((a, b) => a - b);
    const round = (x: number) => Math.round(x * 10) / 10;
    const figures: OverloadFigures = {
      messages: options.messages,
      submitSeconds: round(submitSeconds),
      submitPerSecond: Math.round((options.messages - queuedFirst) / submitSeconds),
      submitP50Ms: round(percentile(sorted, 50)),
      submitP99Ms: round(percentile(sorted, 99)),
      submitMaxMs: round(sorted[sorted.length - 1] ?? 0),
      queueDepthAfterSubmit,
      maxQueueDepthSeen: maxDepth,
      daemonPeakRssBytes,
      daemonRssAtDeepestBytes: rssAtDeepest,
      drainSeconds: round(drainSeconds),
      drainPerSecond: Math.round(options.messages / drainSeconds),
      delivered: (await store.counts()).byState.delivered,
    };
    printFigures('overload', { ...figures, daemonPeakRssBytes: mib(daemonPeakRssBytes), daemonRssAtDeepestBytes: mib(rssAtDeepest) });
    return figures;
  } finally {
    if (sampler) clearInterval(sampler);
    if (daemon?.alive) await killDaemon(daemon);
    await submitter?.stop();
    await observer?.close();
    await app?.cleanup();
  }
}
