import { expect } from 'vitest';
import type { DaemonDiskFigures } from './disk-daemon.js';
import type { QuotaFigures, TmpfsFigures } from './disk.js';

/** Part 1: a store over its size quota refuses with XPORT_STORE_FULL, keeps and later delivers what it accepted. */
export function expectQuotaSurvived(quota: QuotaFigures): void {
  expect(quota.accepted).toBeGreaterThan(0);
  expect(quota.rejected).toBeGreaterThan(0);
  expect(quota.codes).toEqual(['XPORT_STORE_FULL']);
  expect(quota.message).toMatch(/sqlite store .*cannot .*(full|FULL)/);
  expect(quota.storedWhileFull).toBe(quota.accepted);
  expect(quota.lostWhileFull).toBe(0);
  expect(quota.deliveredAfterRestart).toBe(quota.accepted);
}

/** Part 2: a real full, then read-only filesystem under an in-process kernel. */
export function expectTmpfsSurvived(tmpfs: TmpfsFigures): void {
  const { full, readOnly } = tmpfs;
  expect(full.rejected).toBeGreaterThan(0);
  expect(full.codes).toEqual(['XPORT_STORE_FULL']);
  expect(full.message).toMatch(/ENOSPC/);
  // The same running kernel takes submissions again once space returns / the disk is writable.
  expect(full.acceptedAfterSpaceReturned).toBeGreaterThan(0);
  expect(readOnly.rejected).toBeGreaterThan(0);
  expect(readOnly.codes).toEqual(['XPORT_STORE_FULL']);
  expect(readOnly.message).toMatch(/EROFS/);
  expect(readOnly.acceptedWhileReadOnly).toBe(0);
  expect(readOnly.acceptedAfterRemountRw).toBeGreaterThan(0);
  expect(tmpfs.lost).toBe(0);
}

/** Part 3: the daemon on a full `.xport` stays up, refuses, recovers without a restart, loses nothing. */
export function expectDaemonSurvived(daemon: DaemonDiskFigures): void {
  // First, so a failure shows why the daemon died (its last log lines).
  expect(daemon.daemonDiedWith).toBeUndefined();
  expect(daemon.accepted).toBeGreaterThan(0);
  expect(daemon.refused).toBeGreaterThanOrEqual(5 * daemon.cycles);
  expect(daemon.codes).toEqual(['XPORT_STORE_FULL']);
  expect(daemon.message).toMatch(/ENOSPC/);
  expect(daemon.daemonStoreFullLines).toBeGreaterThan(0);
  // Once the filler is gone, every submit of every cycle is accepted (same daemon, same submitter).
  expect(daemon.refusedAfterSpaceReturned).toBe(0);
  expect(daemon.acceptedAfterSpaceReturned).toBe(daemon.cycles * daemon.afterSpace);
  expect(daemon.delivered).toBe(daemon.accepted + daemon.acceptedAfterSpaceReturned);
  expect(daemon.lost).toBe(0);
  expect(daemon.daemonAliveThroughout).toBe(true);
  expect(daemon.daemonExit).toEqual({ code: 0, signal: null });
}
