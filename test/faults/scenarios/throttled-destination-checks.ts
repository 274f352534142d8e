import { expect } from 'vitest';
import type { ThrottledDestinationFigures } from './throttled-destination.js';

/** What the throttled-destination scenario must show, whatever its size. */
export function expectThrottleRidden(figures: ThrottledDestinationFigures): void {
  // The relay got everything, each message once.
  expect(figures.missing).toBe(0);
  expect(figures.duplicates).toBe(0);
  // It was throttling, and the kernel slowed the relay's destination below what the transport may send.
  expect(figures.refused421).toBeGreaterThan(0);
  expect(figures.lowestConcurrency).not.toBeNull();
  expect(figures.lowestConcurrency!).toBeLessThan(figures.configuredConcurrency);
  // Slowed, not hammered: without the feedback each round hands the relay 8 sends and every one above
  // its sessions is refused (measured: 362 refusals for 120 messages); with it, the window falls to
  // what the relay holds and only probes above it now and then (24 for the same 120).
  expect(figures.refused421).toBeLessThan(figures.messages / 2);
  // The other destination was not held up: all of it delivered at the first attempt, none deferred,
  // and its last message before the relay's backlog was through.
  expect(figures.othersDelivered).toBe(figures.others);
  expect(figures.othersDeferred).toBe(0);
  expect(figures.othersMaxAttempts).toBe(1);
  expect(figures.relayBacklogAtOthersDone).toBeGreaterThan(0);
}
