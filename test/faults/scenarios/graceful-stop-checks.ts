import { expect } from 'vitest';
import type { GracefulStopFigures } from './graceful-stop.js';

/** What scenario 6 must show. The exit bound is generous: stop timeout + provider stops + store close on a loaded machine. */
export function expectGracefulStop(figures: GracefulStopFigures): void {
  expect(figures.exitCodes.every((code) => code === 0)).toBe(true);
  for (const ms of figures.exitMs) expect(ms).toBeLessThan(figures.stopTimeoutMs * 2 + 15_000);
  // The stops happened under load: sends were in flight at (nearly) every SIGTERM.
  expect(figures.inFlightAtSigterm.filter((n) => n > 0).length).toBeGreaterThan(0);
  // Nothing is left claimed by a graceful stop: the restart does not wait for a lease.
  expect(figures.inFlightAfterExit.every((n) => n === 0)).toBe(true);
  expect(figures.missing).toBe(0);
}
