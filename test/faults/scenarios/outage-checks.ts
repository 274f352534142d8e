import { expect } from 'vitest';
import type { OutageFigures } from './outage.js';

/** What scenario 2 must show, whatever its size. */
export function expectOutageRidden(figures: OutageFigures): void {
  expect(figures.missing).toBe(0);
  // Each phase of the outage was actually exercised.
  expect(figures.logonsWhileRefused).toBeGreaterThan(0);
  expect(figures.connectionsWhileHung).toBeGreaterThan(0);
  expect(figures.dataRejectedWhile4xx).toBeGreaterThan(0);
  // The backoff held: no recipient and no connection count beyond what the schedule allows.
  expect(figures.attemptsPerRecipient.max).toBeLessThanOrEqual(figures.attemptBound);
  expect(figures.connectionsWhileHung + figures.connectionsWhile4xx + figures.logonsWhileRefused).toBeLessThanOrEqual(figures.connectionBound);
  // Recovery does not wait for more than the longest backoff step: nothing waiting was due later than that.
  expect(figures.latestDueAfterRecoveryMs).toBeLessThanOrEqual(figures.maxDelayMs);
}
