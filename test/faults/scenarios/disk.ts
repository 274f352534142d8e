import { join } from 'node:path';
import { createKernel, type Kernel } from '@xport/core';
import { XportError, type MessageStore } from '@xport/provider-sdk';
import { loopbackControl } from '@xport/provider-loopback';
import { createSqliteStore } from '@xport/store-sqlite';
import { mountSmallDisk } from '../../support/small-disk.js';
import { deliveredOf, diskBody, lostOf, newTally, submitWhileAccepted, type SubmitTally } from './disk-tally.js';
import { createE2eApp, printFigures, until, type E2eApp } from '../support/harness.js';

export interface DiskOptions {
  /** Size of each message body; the store fills after a few hundred. */
  readonly bodyBytes: number;
  readonly quotaBytes: number;
  readonly timeLimitMs: number;
}

export interface QuotaFigures {
  accepted: number;
  rejected: number;
  codes: string[];
  message: string | undefined;
  /** Messages in the store while it was full: a refused submit must leave nothing behind. */
  storedWhileFull: number;
  lostWhileFull: number;
  deliveredAfterRestart: number;
  seconds: number;
}

export interface TmpfsFigures {
  full: { accepted: number; rejected: number; codes: string[]; message: string | undefined; acceptedAfterSpaceReturned: number };
  readOnly: { rejected: number; codes: string[]; message: string | undefined; acceptedAfterRemountRw: number; acceptedWhileReadOnly: number };
  delivered: number;
  lost: number;
  seconds: number;
}

/** Submits until `stopAfterRejections` submits in a row were refused; records which were accepted. */
async function submitUntilRefused(kernel: Kernel, tally: SubmitTally, bodyBytes: number, stopAfterRejections: number, limit = 100_000): Promise<void> {
  await submitWhileAccepted((n) => kernel.submit({ from: 'loopback:sender', to: [`loopback:box${n % 50}`], subject: `disk ${tally.accepted.length}`, text: diskBody(n, bodyBytes) }), tally, stopAfterRejections, limit);
}

const APP_CONFIG = {
  transportOrder: ['loopback'],
  spooler: { pollMs: 50, leaseMs: 5000, retry: { minDelayMs: 500, maxDelayMs: 1000 } },
};

/**
 * Part 1, everywhere: the SQLite store's `maxSizeBytes` quota (SQLite `max_page_count`). Submits
 * beyond it fail with XPORT_STORE_FULL; deliveries that need space wait (deferred, never
 * failed); after a restart with room (the operator raised the quota) everything drains.
 */
export async function runQuotaScenario(options: DiskOptions): Promise<QuotaFigures> {
  const app = await createE2eApp(['provider-loopback'], APP_CONFIG);
  try {
    const figures = await runQuota(app, options);
    printFigures('disk', { quota: figures });
    return figures;
  } finally {
    await app.cleanup();
  }
}

async function runQuota(app: E2eApp, options: DiskOptions): Promise<QuotaFigures> {
  const started = Date.now();
  const path = join(app.root, '.xport', 'quota.db');
  const tally = newTally();
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
    await kernel.start();
    // Offline before anything is submitted: the store fills with queued mail.
    const loopback = loopbackControl(kernel.transport('loopback'));
    loopback.setOffline(true);
    await submitUntilRefused(kernel, tally, options.bodyBytes, 5);
    // The transport comes back while the disk is still full: deliveries need room too, and wait.
    // Checked once the spooler has gone for the queue several times with the transport available
    // (each a claim, and hand-overs where the store had room for them), not after a pause that a
    // loaded machine may fill with nothing.
    const asked = claimsAsked;
    loopback.setOffline(undefined);
    await until('the spooler to go for the queue 5 times while the store is full', () => claimsAsked - asked >= 5, options.timeLimitMs, () => ({
      claims: claimsAsked - asked,
      handedOver: loopback.handedOver,
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
      message: tally.firstMessage?.split(app.root).join('<app>'),
      storedWhileFull,
      lostWhileFull,
      deliveredAfterRestart: await deliveredOf(bigger, tally.accepted),
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    await kernel?.stop();
  }
}

/**
 * Part 2, where a tmpfs can be mounted (root; the test is skipped by name elsewhere): the store of an
 * in-process kernel on a real small filesystem. A filler file takes the space (ENOSPC → SQLITE_FULL →
 * XPORT_STORE_FULL), is deleted, and the same running kernel takes submissions again without a
 * restart; then a kernel is started on the filesystem remounted read-only (it must refuse with
 * XPORT_STORE_FULL, EROFS), and again once it is read-write. Nothing accepted is lost.
 */
export async function runTmpfsScenario(options: DiskOptions): Promise<TmpfsFigures> {
  const app = await createE2eApp(['provider-loopback'], APP_CONFIG);
  try {
    const figures = await runTmpfs(app, options);
    printFigures('disk', { tmpfs: figures });
    return figures;
  } finally {
    await app.cleanup();
  }
}

async function runTmpfs(app: E2eApp, options: DiskOptions): Promise<TmpfsFigures> {
  const started = Date.now();
  const disk = mountSmallDisk(8 * 1024 * 1024);
  const mnt = disk.dir;
  let kernel: Kernel | undefined;
  try {
    kernel = createKernel({ root: app.root, env: {}, store: createSqliteStore({ path: join(mnt, 'store.db') }) });
    await kernel.start();
    // Leave about 1.5 MiB for the store, take the rest.
    disk.fill(1.5 * 1024 * 1024);
    // This kernel's transport only: the kernels started later on the same disk deliver as configured.
    loopbackControl(kernel.transport('loopback')).setOffline(true);
    const full = newTally();
    await submitUntilRefused(kernel, full, options.bodyBytes, 5);
    disk.free();
    const afterSpace = newTally();
    await submitUntilRefused(kernel, afterSpace, options.bodyBytes, 1, 20);

    // Read-only: a filesystem with files open for writing cannot be remounted read-only, so the
    // kernel stops, the disk goes read-only, and a kernel starts on it (a daemon restarted on a
    // disk the system remounted read-only after an error). It must refuse, not pretend.
    await kernel.stop();
    disk.remount('ro');
    const readOnly = newTally();
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
      disk.remount('rw');
    }
    kernel = createKernel({ root: app.root, env: {}, store: createSqliteStore({ path: join(mnt, 'store.db') }) });
    await kernel.start();
    const store = kernel.store() as MessageStore;
    const afterRw = newTally();
    await submitUntilRefused(kernel, afterRw, options.bodyBytes, 1, 20);

    const all = [...full.accepted, ...afterSpace.accepted, ...readOnly.accepted, ...afterRw.accepted];
    await until('every accepted message delivered on the recovered disk', async () => (await store.counts()).byState.delivered >= all.length, options.timeLimitMs, async () => (await store.counts()).byState);
    const shown = (message: string | undefined): string | undefined => message?.split(mnt).join('<disk>');
    return {
      full: { accepted: full.accepted.length, rejected: full.rejected, codes: [...full.codes], message: shown(full.firstMessage), acceptedAfterSpaceReturned: afterSpace.accepted.length },
      readOnly: {
        rejected: readOnly.rejected,
        codes: [...readOnly.codes],
        message: shown(readOnly.firstMessage),
        acceptedWhileReadOnly: readOnly.accepted.length,
        acceptedAfterRemountRw: afterRw.accepted.length,
      },
      delivered: await deliveredOf(store, all),
      lost: await lostOf(store, all),
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    await kernel?.stop().catch(() => undefined);
    disk.unmount();
  }
}
