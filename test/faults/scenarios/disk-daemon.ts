import { mkdirSync, watch } from 'node:fs';
import { join } from 'node:path';
import { createKernel, type Kernel } from '@xport/core';
import type { MessageStore } from '@xport/provider-sdk';
import { mountSmallDisk, type SmallDisk } from '../../support/small-disk.js';
import { createE2eApp, daemonSays, FIXTURES, killDaemon, printFigures, startDaemon, until, type Daemon, type E2eApp } from '../support/harness.js';
import { deliveredOf, diskBody, lostOf, newTally, submitWhileAccepted } from './disk-tally.js';

export interface DaemonDiskOptions {
  /** Size of the tmpfs under `.xport` (store, WAL, daemon.json). */
  readonly diskBytes: number;
  /**
   * Free space a filler leaves each cycle for the store to fill. All cycles together must fit the
   * disk: SQLite's WAL only grows until it holds 1000 pages, so on a small disk the space the store
   * took is not given back, and the last cycle's messages need room to be delivered.
   */
  readonly leaveBytes: number;
  readonly bodyBytes: number;
  /** Times the disk fills up and empties again under the same daemon. */
  readonly cycles: number;
  /** Messages submitted after the space came back, each cycle. */
  readonly afterSpace: number;
  readonly timeLimitMs: number;
}

export interface DaemonDiskFigures {
  diskBytes: number;
  leaveBytes: number;
  cycles: number;
  /** Accepted while the disk filled, summed over the cycles. */
  accepted: number;
  refused: number;
  codes: string[];
  message: string | undefined;
  /** Lines of the daemon's log that show its own writes refused for want of space. */
  daemonStoreFullLines: number;
  afterSpace: number;
  acceptedAfterSpaceReturned: number;
  refusedAfterSpaceReturned: number;
  delivered: number;
  lost: number;
  daemonAliveThroughout: boolean;
  /** When the daemon died before it was stopped: the end of its log (the reason). */
  daemonDiedWith?: string;
  daemonExit: { code: number | null; signal: NodeJS.Signals | null };
  seconds: number;
}

// Slow sends keep recipients in flight while the disk fills, so the daemon has results to record
// (complete) when there is no room: those wait under their lease and are sent again after it.
const LEASE_MS = 8000;
const NO_ROOM = /SQLITE_FULL|ENOSPC|XPORT_STORE_FULL/;

/**
 * Counts the daemon's attempts to publish `.xport/daemon.json` (its heartbeat, every few seconds),
 * seen as file events: a full period must span one, since that periodic write is what used to kill
 * the daemon on a full disk.
 */
function watchDaemonFile(xport: string): { attempts: () => number; close: () => void } {
  let attempts = 0;
  const watcher = watch(xport, (_event, name) => {
    if (name?.startsWith('daemon.json')) attempts += 1;
  });
  return { attempts: () => attempts, close: () => watcher.close() };
}

/**
 * Part 3, where a tmpfs can be mounted: a real daemon (`xport start`) whose `.xport` — store, WAL and
 * daemon.json — is a small tmpfs. A second process (the test's submit-only kernel, as `xport send`)
 * submits to loopback and to a slow transport until the disk is full: submits are refused with
 * XPORT_STORE_FULL, the daemon's own writes (claims, results, inbox writes) are refused too, and the
 * daemon must stay up. A filler file is removed, the same daemon and submitter carry on without a
 * restart, and every accepted message is delivered.
 */
export async function runDaemonDiskScenario(options: DaemonDiskOptions): Promise<DaemonDiskFigures> {
  const started = Date.now();
  let app: E2eApp | undefined;
  let disk: SmallDisk | undefined;
  let daemon: Daemon | undefined;
  let submitter: Kernel | undefined;
  let closeWatch: (() => void) | undefined;
  try {
    app = await createE2eApp(['provider-loopback', 'store-sqlite'], {
      store: { provider: 'store-sqlite' },
      discovery: { paths: [join(FIXTURES, 'xport-fault-slow-send')] },
      transportOrder: ['loopback', 'slow-send'],
      providers: {
        loopback: { limits: { concurrency: 8 } },
        'slow-send': { config: { delayMs: 400 }, limits: { concurrency: 32 } },
      },
      spooler: { pollMs: 100, leaseMs: LEASE_MS, sendTimeoutMs: 4000, stopTimeoutMs: 2000, retry: { minDelayMs: 200, maxDelayMs: 1000 } },
    });
    const root = app.root;
    const xport = join(root, '.xport');
    mkdirSync(xport);
    disk = mountSmallDisk(options.diskBytes, { at: xport });
    const published = watchDaemonFile(xport);
    closeWatch = published.close;
    // At info: a checkpoint failure is logged once (warn) until checkpoints go through again (info).
    const d = (daemon = startDaemon(root, 'info'));
    let aliveThroughout = true;
    void d.exited.then(() => (aliveThroughout = false));
    const remaining = (): number => Math.max(1000, started + options.timeLimitMs - Date.now());
    await until('the daemon to bring loopback and slow-send online', () => !d.alive || (daemonSays(root, 'loopback') && daemonSays(root, 'slow-send')), remaining());
    if (!d.alive) throw new Error(`the daemon exited at start (${JSON.stringify(await d.exited)}):\n${d.tail()}`);

    submitter = createKernel({ root, env: {} });
    await submitter.start({ spool: false });
    const kernel = submitter;
    const submitOne = (n: number) => kernel.submit({ from: 'loopback:sender', to: [`loopback:r${n % 20}`, `slow:s${n}`], subject: `disk ${n}`, text: diskBody(n, options.bodyBytes) });
    const filling = newTally();
    const afterSpace = newTally();
    const seen = (): number => d.log().split('\n').filter((line) => NO_ROOM.test(line)).length;
    // The daemon's checkpoints are failing for want of room, since an earlier cycle perhaps (the disk
    // was free too briefly for one to go through): logged once, when that began.
    const checkpointsFailing = (): boolean => /a checkpoint failed/.test(d.log().split('\n').filter((line) => /a checkpoint failed|checkpoints go through again/.test(line)).at(-1) ?? '');
    for (let cycle = 0; cycle < options.cycles; cycle++) {
      // A filler takes all but `leaveBytes`; the store (and daemon.json) fill the rest.
      const linesBefore = seen();
      disk.fill(options.leaveBytes);
      const refusedBefore = filling.rejected;
      await submitWhileAccepted(submitOne, filling, 5);
      if (filling.rejected === refusedBefore) throw new Error('the disk never filled up');
      const publishedBefore = published.attempts();
      // A write of its own refused, or a checkpoint: the daemon's small writes may still fit in WAL
      // space its checkpoints freed before the disk filled, while moving the WAL into the database
      // file cannot.
      await until('the daemon to meet the full disk (a write or a checkpoint of its own refused)', () => !d.alive || seen() > linesBefore || checkpointsFailing(), remaining(), () => d.tail(5));
      await until('the daemon to try to publish daemon.json on the full disk', () => !d.alive || published.attempts() > publishedBefore, remaining(), () => d.tail(5));
      if (!d.alive) throw new Error(`the daemon died on the full disk (${JSON.stringify(await d.exited)}):\n${d.tail(40)}`);
      disk.free();
      await submitWhileAccepted(submitOne, afterSpace, 1, options.afterSpace);
    }

    const store = kernel.store() as MessageStore;
    const all = [...filling.accepted, ...afterSpace.accepted];
    await until(
      'every accepted message delivered by the same daemon',
      async () => !d.alive || (await deliveredOf(store, all)) === all.length,
      remaining(),
      async () => ({ counts: (await store.counts()).byState, log: d.tail(5) }),
    );
    const delivered = await deliveredOf(store, all);
    const lost = await lostOf(store, all);
    const alive = aliveThroughout && d.alive;
    const diedWith = alive ? undefined : d.tail(12).split(root).join('<app>');
    const storeFullLines = d.log().split('\n').filter((line) => NO_ROOM.test(line)).length;
    await kernel.stop();
    submitter = undefined;
    await killDaemon(d, 'SIGTERM');
    const figures: DaemonDiskFigures = {
      diskBytes: options.diskBytes,
      leaveBytes: options.leaveBytes,
      cycles: options.cycles,
      accepted: filling.accepted.length,
      refused: filling.rejected,
      codes: [...filling.codes],
      message: filling.firstMessage?.split(root).join('<app>'),
      daemonStoreFullLines: storeFullLines,
      afterSpace: options.afterSpace,
      acceptedAfterSpaceReturned: afterSpace.accepted.length,
      refusedAfterSpaceReturned: afterSpace.rejected,
      delivered,
      lost,
      daemonAliveThroughout: alive,
      ...(diedWith === undefined ? {} : { daemonDiedWith: diedWith }),
      daemonExit: await d.exited,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
    printFigures('disk', { daemon: figures });
    return figures;
  } finally {
    closeWatch?.();
    await submitter?.stop().catch(() => undefined);
    if (daemon?.alive) await killDaemon(daemon);
    disk?.free();
    disk?.unmount();
    await app?.cleanup();
  }
}
