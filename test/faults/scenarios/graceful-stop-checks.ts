import { expect } from 'vitest';
import type { GracefulStopFigures } from './graceful-stop.js';

/** What scenario 6 must show. How long the exits took is a figure, not a check (a daemon that never exits fails the scenario itself). */
export function expectGracefulStop(figures: GracefulStopFigures): void {
  expect(figures.exitCodes.every((code) => code === 0)).toBe(true);
  // The stops happened under load: sends were in flight at (nearly) every SIGTERM.
  expect(figures.inFlightAtSigterm.filter((n) => n > 0).length).toBeGreaterThan(0);
  // Nothing is left claimed by a graceful stop: the restart does not wait for a lease.
  expect(figures.inFlightAfterExit.every((n) => n === 0)).toBe(true);
  expect(figures.missing).toBe(0);
}
