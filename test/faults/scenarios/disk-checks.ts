import { expect } from 'vitest';
import type { DiskFigures } from './disk.js';

/** What scenario 4 must show. */
export function expectDiskTroubleSurvived(figures: DiskFigures): void {
  const { quota } = figures;
  expect(quota.accepted).toBeGreaterThan(0);
  expect(quota.rejected).toBeGreaterThan(0);
  expect(quota.codes).toEqual(['XPORT_STORE_UNAVAILABLE']);
  expect(quota.message).toMatch(/sqlite store .*cannot .*(full|FULL)/);
  expect(quota.storedWhileFull).toBe(quota.accepted);
  expect(quota.lostWhileFull).toBe(0);
  expect(quota.deliveredAfterRestart).toBe(quota.accepted);
  if (figures.tmpfs) {
    const { full, readOnly } = figures.tmpfs;
    expect(full.rejected).toBeGreaterThan(0);
    expect(full.codes).toEqual(['XPORT_STORE_UNAVAILABLE']);
    // The same running kernel takes submissions again once space returns / the disk is writable.
    expect(full.acceptedAfterSpaceReturned).toBeGreaterThan(0);
    expect(readOnly.rejected).toBeGreaterThan(0);
    expect(readOnly.codes).toEqual(['XPORT_STORE_UNAVAILABLE']);
    expect(readOnly.acceptedWhileReadOnly).toBe(0);
    expect(readOnly.acceptedAfterRemountRw).toBeGreaterThan(0);
    expect(figures.tmpfs.lost).toBe(0);
  }
}
