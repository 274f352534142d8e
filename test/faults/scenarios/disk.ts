import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKernel, type Kernel } from '@xport/core';
import { XportError, type MessageStore } from '@xport/provider-sdk';
import { loopbackControl } from '@xport/provider-loopback';
import { createSqliteStore } from '@xport/store-sqlite';
import { createE2eApp, printFigures, until, type E2eApp } from '../support/harness.js';

export interface DiskOptions {
  /** Size of each message body; the store fills after a few hundred. */
  readonly bodyBytes: number;
  readonly quotaBytes: number;
  readonly timeLimitMs: number;
}

export interface SubmitTally {
  accepted: string[];
  rejected: number;
  /** Codes of the rejections (all must be XPORT_STORE_UNAVAILABLE). */
  codes: Set<string>;
  firstMessage?: string;
}

export interface DiskFigures {
  readonly quota: {
    accepted: number;
    rejected: number;
    codes: string[];
    message: string | undefined;
    /** Messages in the store while it was full: a refused submit must leave nothing behind. */
    storedWhileFull: number;
    lostWhileFull: number;
    deliveredAfterRestart: number;
    seconds: number;
  };
  /** undefined when this machine cannot mount a tmpfs (not root, no CAP_SYS_ADMIN). */
  readonly tmpfs?: {
    full: { accepted: number; rejected: number; codes: string[]; message: string | undefined; acceptedAfterSpaceReturned: number };
    readOnly: { rejected: number; codes: string[]; message: string | undefined; acceptedAfterRemountRw: number; acceptedWhileReadOnly: number };
    delivered: number;
    lost: number;
    seconds: number;
  };
  readonly tmpfsSkipped?: string;
}

const body = (n: number, bytes: number): string => `${n} `.padEnd(bytes, 'x');

/** Submits until `stopAfterRejections` submits in a row were refused; records which were accepted. */
async function submitUntilRefused(kernel: Kernel, tally: SubmitTally, bodyBytes: number, stopAfterRejections: number, limit = 100_000): Promise<void> {
  let inARow = 0;
  for (let n = 0; n < limit && inARow < stopAfterRejections; n++) {
    try {
      const receipt = await kernel.submit({ from: 'loopback:sender', to: [`loopback:box${n % 50}`], subject: `disk ${tally.accepted.length}`, text: body(n, bodyBytes) });
      tally.accepted.push(receipt.messageId);
      inARow = 0;
    } catch (error) {
      tally.rejected += 1;
      tally.codes.add(XportError.is(error) ? error.code : String(error));
      tally.firstMessage ??= (error as Error).message;
      inARow += 1;
    }
  }
}

async function lostOf(store: MessageStore, ids: readonly string[]): Promise<number> {
  let lost = 0;
  for (const id of ids) {
    const m = await store.getMessage(id);
    if (m === undefined || m.recipients.some((r) => r.state === 'failed' || r.state === 'expired')) lost += 1;
  }
  return lost;
}

async function deliveredOf(store: MessageStore, ids: readonly string[]): Promise<number> {
  let delivered = 0;
  for (const id of ids) if ((await store.getMessage(id))?.recipients.every((r) => r.state === 'delivered')) delivered += 1;
  return delivered;
}

const APP_CONFIG = {
  transportOrder: ['loopback'],
  spooler: { pollMs: 50, leaseMs: 5000, retry: { minDelayMs: 500, maxDelayMs: 1000 } },
};

/**
 * Part 1, everywhere: the SQLite store's `maxSizeBytes` quota (SQLite `max_page_count`). Submits
 * beyond it fail with XPORT_STORE_UNAVAILABLE; deliveries that need space wait (deferred, never
 * failed); after a restart with room (the operator raised the quota) everything drains.
 */
async function runQuota(app: E2eApp, options: DiskOptions): Promise<DiskFigures['quota']> {
  const started = Date.now();
  const path = join(app.root, '.xport', 'quota.db');
  const tally: SubmitTally = { accepted: [], rejected: 0, codes: new Set() };
  // The spooler's requests for work, counted: while the store is full they are its delivery attempts.
  const quotaStore = createSqliteStore({ path, maxSizeBytes: options.quotaBytes });
  let claimsAsked = 0;
  const claim = quotaStore.claim.bind(quotaStore);
  quotaStore.claim = (request) => {
    claimsAsked += 1;
    return claim(request);
  };
  let kernel: Kernel | undefined = createKernel({ root: app.root, env: {}, store: quotaStore });
  try {
    loopbackControl('loopback').setOffline(true);
    await kernel.start();
    await submitUntilRefused(kernel, tally, options.bodyBytes, 5);
    // The transport comes back while the disk is still full: deliveries need room too, and wait.
    // Checked once the spooler has gone for the queue several times with the transport available
    // (each a claim, and hand-overs where the store had room for them), not after a pause that a
    // loaded machine may fill with nothing.
    const asked = claimsAsked;
    loopbackControl('loopback').setOffline(undefined);
    await until('the spooler to go for the queue 5 times while the store is full', () => claimsAsked - asked >= 5, options.timeLimitMs, () => ({
      claims: claimsAsked - asked,
      handedOver: loopbackControl('loopback').handedOver,
    }));
    const store = kernel.store() as MessageStore;
    const lostWhileFull = await lostOf(store, tally.accepted);
    const storedWhileFull = (await store.listQueue()).length + (await store.listSent()).length;
    await kernel.stop();
    kernel = createKernel({ root: app.root, env: {}, store: createSqliteStore({ path, maxSizeBytes: options.quotaBytes * 8 }) });
    await kernel.start();
    const bigger = kernel.store() as MessageStore;
    await until('every accepted message delivered after the restart with room', async () => (await bigger.counts()).byState.delivered >= tally.accepted.length, options.timeLimitMs, async () => (await bigger.counts()).byState);
    return {
      accepted: tally.accepted.length,
      rejected: tally.rejected,
      codes: [...tally.codes],
      message: tally.firstMessage,
      storedWhileFull,
      lostWhileFull,
      deliveredAfterRestart: await deliveredOf(bigger, tally.accepted),
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    loopbackControl('loopback').setOffline(undefined);
    await kernel?.stop();
  }
}

function tryMount(dir: string, sizeBytes: number): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  try {
    mkdirSync(dir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `cannot mount a tmpfs here (${String((error as { stderr?: Buffer }).stderr ?? error).trim().split('\n')[0]})`;
  }
}

const remount = (dir: string, mode: 'ro' | 'rw'): void => void execFileSync('mount', ['-o', `remount,${mode}`, dir], { stdio: 'pipe' });

/**
 * Part 2, where a tmpfs can be mounted: the store on a real small filesystem. A filler file takes
 * the space (ENOSPC → SQLITE_FULL), is deleted, and the same running kernel takes submissions
 * again without a restart; then a kernel is started on the filesystem remounted read-only (it must
 * refuse with XPORT_STORE_UNAVAILABLE), and again once it is read-write. Nothing accepted is lost.
 */
async function runTmpfs(app: E2eApp, options: DiskOptions): Promise<DiskFigures['tmpfs'] | string> {
  const started = Date.now();
  const mnt = join(app.root, 'small-disk');
  const size = 8 * 1024 * 1024;
  const refused = tryMount(mnt, size);
  if (refused !== undefined) return refused;
  let kernel: Kernel | undefined;
  try {
    kernel = createKernel({ root: app.root, env: {}, store: createSqliteStore({ path: join(mnt, 'store.db') }) });
    await kernel.start();
    // Leave about 1.5 MiB for the store, take the rest.
    const free = statfsSync(mnt).bavail * statfsSync(mnt).bsize;
    writeFileSync(join(mnt, 'filler'), Buffer.alloc(Math.max(0, free - 1.5 * 1024 * 1024)));
    loopbackControl('loopback').setOffline(true);
    const full: SubmitTally = { accepted: [], rejected: 0, codes: new Set() };
    await submitUntilRefused(kernel, full, options.bodyBytes, 5);
    rmSync(join(mnt, 'filler'));
    const afterSpace: SubmitTally = { accepted: [], rejected: 0, codes: new Set() };
    await submitUntilRefused(kernel, afterSpace, options.bodyBytes, 1, 20);

    // Read-only: a filesystem with files open for writing cannot be remounted read-only, so the
    // kernel stops, the disk goes read-only, and a kernel starts on it (a daemon restarted on a
    // disk the system remounted read-only after an error). It must refuse, not pretend.
    await kernel.stop();
    remount(mnt, 'ro');
    const readOnly: SubmitTally = { accepted: [], rejected: 0, codes: new Set() };
    try {
      kernel = createKernel({ root: app.root, env: {}, store: createSqliteStore({ path: join(mnt, 'store.db') }) });
      try {
        await kernel.start();
        await submitUntilRefused(kernel, readOnly, options.bodyBytes, 5, 5);
      } catch (error) {
        readOnly.rejected += 1;
        readOnly.codes.add(XportError.is(error) ? error.code : String(error));
        readOnly.firstMessage ??= (error as Error).message;
      }
      await kernel.stop().catch(() => undefined);
    } finally {
      remount(mnt, 'rw');
    }
    kernel = createKernel({ root: app.root, env: {}, store: createSqliteStore({ path: join(mnt, 'store.db') }) });
    await kernel.start();
    const store = kernel.store() as MessageStore;
    const afterRw: SubmitTally = { accepted: [], rejected: 0, codes: new Set() };
    await submitUntilRefused(kernel, afterRw, options.bodyBytes, 1, 20);

    loopbackControl('loopback').setOffline(undefined);
    const all = [...full.accepted, ...afterSpace.accepted, ...readOnly.accepted, ...afterRw.accepted];
    await until('every accepted message delivered on the recovered disk', async () => (await store.counts()).byState.delivered >= all.length, options.timeLimitMs, async () => (await store.counts()).byState);
    return {
      full: { accepted: full.accepted.length, rejected: full.rejected, codes: [...full.codes], message: full.firstMessage, acceptedAfterSpaceReturned: afterSpace.accepted.length },
      readOnly: {
        rejected: readOnly.rejected,
        codes: [...readOnly.codes],
        message: readOnly.firstMessage,
        acceptedWhileReadOnly: readOnly.accepted.length,
        acceptedAfterRemountRw: afterRw.accepted.length,
      },
      delivered: await deliveredOf(store, all),
      lost: await lostOf(store, all),
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    loopbackControl('loopback').setOffline(undefined);
    await kernel?.stop().catch(() => undefined);
    try {
      execFileSync('umount', [mnt], { stdio: 'pipe' });
    } catch {
      // Best effort: cleanup of the app removes the directory once it is unmounted.
    }
  }
}

/** Scenario 4: disk full and read-only store, then recovery. */
export async function runDiskScenario(options: DiskOptions): Promise<DiskFigures> {
  const app = await createE2eApp(['provider-loopback'], APP_CONFIG);
  try {
    const quota = await runQuota(app, options);
    const tmpfs = await runTmpfs(app, options);
    const figures: DiskFigures = typeof tmpfs === 'string' ? { quota, tmpfsSkipped: tmpfs } : { quota, tmpfs };
    printFigures('disk', figures as unknown as Record<string, unknown>);
    return figures;
  } finally {
    await app.cleanup();
  }
}
