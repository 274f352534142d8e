import { join } from 'node:path';
import { createKernel } from '@xport/core';
import type { MessageStore } from '@xport/provider-sdk';
import { createE2eApp, daemonSays, FIXTURES, finalCount, killDaemon, openObserver, printFigures, startDaemon, submitMany, until, type Daemon, type E2eApp } from '../support/harness.js';

export interface GracefulStopOptions {
  readonly messages: number;
  readonly stops: number;
  readonly timeLimitMs: number;
}

export interface GracefulStopFigures {
  readonly messages: number;
  readonly recipients: number;
  readonly stops: number;
  /** Milliseconds from SIGTERM to exit, per stop. */
  readonly exitMs: number[];
  readonly exitCodes: Array<number | null>;
  /** Recipients claimed (`in-flight`) in the store just before each SIGTERM. */
  readonly inFlightAtSigterm: number[];
  /** Recipients still claimed (`in-flight`) in the store right after each exit. */
  readonly inFlightAfterExit: number[];
  readonly stopTimeoutMs: number;
  readonly missing: number;
  readonly seconds: number;
}

const STOP_TIMEOUT_MS = 1000;
// How long a daemon may take to exit after SIGTERM before the scenario calls it hung: a safety net
// far above the stop timeout plus start-up and store close on a loaded machine, not a speed bound.
const EXIT_SAFETY_NET_MS = 60_000;
// Long on purpose: a recipient left claimed by a stop would hold the drain back by this much.
const LEASE_MS = 120_000;

/** The daemon's exit after a SIGTERM, or a failure naming the stop when it has not exited within the safety net. */
async function exitOf(d: Daemon, what: string): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the daemon did not exit within ${EXIT_SAFETY_NET_MS} ms of ${what}:\n${d.tail()}`)), EXIT_SAFETY_NET_MS);
  });
  try {
    return await Promise.race([d.exited, hung]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Scenario 6: SIGTERM while the daemon spools hard — loopback sends and a transport whose sends take
 * 1.5 s and ignore the abort signal. The daemon exits with code 0, leaves no recipient claimed, and a
 * restart drains everything without waiting for a lease to expire. How long each exit took is a
 * figure; a daemon that does not exit at all fails the scenario.
 */
export async function runGracefulStopScenario(options: GracefulStopOptions): Promise<GracefulStopFigures> {
  const started = Date.now();
  let app: E2eApp | undefined;
  let observer: MessageStore | undefined;
  let daemon: Daemon | undefined;
  try {
    app = await createE2eApp(['provider-loopback', 'store-sqlite'], {
      store: { provider: 'store-sqlite' },
      discovery: { paths: [join(FIXTURES, 'xport-fault-slow-send')] },
      transportOrder: ['loopback', 'slow-send'],
      providers: {
        loopback: { config: { latencyMs: 10 }, limits: { concurrency: 8 } },
        'slow-send': { config: { delayMs: 1500 }, limits: { concurrency: 64 } },
      },
      spooler: { pollMs: 100, leaseMs: LEASE_MS, sendTimeoutMs: 10_000, stopTimeoutMs: STOP_TIMEOUT_MS },
    });
    const root = app.root;
    const submitter = createKernel({ root, env: {} });
    await submitter.start({ spool: false });
    await submitMany(options.messages, 16, (n) => submitter.submit({ from: 'loopback:sender', to: [`loopback:r${n}`, `slow:s${n}`], subject: `m${n}`, text: `message ${n}` }));
    await submitter.stop();
    const recipients = options.messages * 2;
    observer = await openObserver(root);
    const store = observer;
    const deadline = started + options.timeLimitMs;
    const remaining = () => Math.max(1000, deadline - Date.now());

    const exitMs: number[] = [];
    const exitCodes: Array<number | null> = [];
    const inFlightAfterExit: number[] = [];
    const inFlightAtSigterm: number[] = [];
    for (let stop = 0; stop < options.stops; stop++) {
      daemon = startDaemon(root);
      const d = daemon;
      const target = Math.ceil(((stop + 1) / (options.stops + 1)) * recipients * 0.8);
      await until(`${target} final recipients before SIGTERM ${stop + 1}`, async () => !d.alive || (daemonSays(root, 'slow-send') && finalCount(await store.counts()) >= target), remaining(), async () => ({
        counts: (await store.counts()).byState,
        log: d.tail(10),
      }));
      if (!d.alive) throw new Error(`the daemon exited by itself:\n${d.tail()}`);
      inFlightAtSigterm.push((await store.counts()).byState['in-flight']);
      const sentAt = Date.now();
      d.child.kill('SIGTERM');
      const exit = await exitOf(d, `SIGTERM ${stop + 1}`);
      exitMs.push(Date.now() - sentAt);
      exitCodes.push(exit.code);
      inFlightAfterExit.push((await store.counts()).byState['in-flight']);
    }

    daemon = startDaemon(root);
    await until('every recipient final after the last restart', async () => finalCount(await store.counts()) >= recipients, remaining(), async () => (await store.counts()).byState);
    await killDaemon(daemon, 'SIGTERM');

    let missing = 0;
    for (const m of await store.listSent()) missing += m.recipients.filter((r) => r.state !== 'delivered').length;
    missing += recipients - (await store.counts()).byState.delivered;
    const figures: GracefulStopFigures = {
      messages: options.messages,
      recipients,
      stops: options.stops,
      exitMs,
      exitCodes,
      inFlightAtSigterm,
      inFlightAfterExit,
      stopTimeoutMs: STOP_TIMEOUT_MS,
      missing,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
    printFigures('graceful-stop', figures as unknown as Record<string, unknown>);
    return figures;
  } finally {
    if (daemon?.alive) await killDaemon(daemon);
    await observer?.close();
    await app?.cleanup();
  }
}
