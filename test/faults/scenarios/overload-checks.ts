import { expect } from 'vitest';
import type { OverloadFigures } from './overload.js';

const MIB = 1024 * 1024;

/** What scenario 3 must show, whatever its size: correctness, not timing (submit latencies are figures). */
export function expectOverloadAbsorbed(figures: OverloadFigures): void {
  // Every submit was accepted (a refused one fails the scenario) and every message delivered.
  expect(figures.delivered).toBe(figures.messages);
  // The queue really was deep: half the messages were queued before the daemon started.
  expect(figures.maxQueueDepthSeen).toBeGreaterThanOrEqual(Math.floor(figures.messages / 2));
  // Memory does not grow with the queue: the spooler holds one batch, not the backlog.
  if (figures.daemonPeakRssBytes !== undefined) expect(figures.daemonPeakRssBytes).toBeLessThan(400 * MIB);
}
