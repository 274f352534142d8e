import { expect } from 'vitest';
import type { OverloadFigures } from './overload.js';

const MIB = 1024 * 1024;

/** What scenario 3 must show, whatever its size. Bounds are generous: correctness, not timing. */
export function expectOverloadAbsorbed(figures: OverloadFigures): void {
  expect(figures.delivered).toBe(figures.messages);
  // The queue really was deep: the transport could not keep up with the submissions.
  expect(figures.maxQueueDepthSeen).toBeGreaterThan(figures.messages / 4);
  // Memory does not grow with the queue: the spooler holds one batch, not the backlog.
  if (figures.daemonPeakRssBytes !== undefined) expect(figures.daemonPeakRssBytes).toBeLessThan(400 * MIB);
  // Submit stays responsive while the queue is deep (a stall of seconds would show here).
  expect(figures.submitP99Ms).toBeLessThan(5_000);
}
