import { expect } from 'vitest';
import type { MisbehaviourFigures } from './misbehaviour.js';

/** What scenario 5 must show, whatever its size. */
export function expectMisbehaviourContained(figures: MisbehaviourFigures, messages: number): void {
  // The healthy transports delivered everything, next to the broken ones.
  expect(figures.loopbackDelivered).toBe(messages);
  expect(figures.stuckStopDelivered).toBe(messages);
  // Every recipient of a broken transport is kept, none lost or stuck in flight: deferred with a
  // reason, or — once its destination is suspended for failing every send (5 in a row by default) —
  // waiting without an attempt.
  for (const type of ['hang', 'throws', 'garbage']) {
    expect((figures.deferred[type] ?? 0) + (figures.held[type] ?? 0), `${type} recipients kept`).toBe(messages);
    expect(figures.deferred[type] ?? 0, `${type} recipients attempted before the suspension`).toBeGreaterThanOrEqual(Math.min(messages, 5));
  }
  expect(figures.lastErrorCodes).toEqual({ hang: ['4.4.1'], throws: ['4.3.0'], garbage: ['4.3.0'] });
  expect(figures.sendCalls['hang-send']).toBeGreaterThanOrEqual(1);
  // stop() finished although stuck-stop's stop() never settles: the kernel's deadline gave up on it,
  // which its log and status row say (how long the stop took is a figure).
  expect(Object.values(figures.stopStates).every((s) => s === 'stopped')).toBe(true);
  expect(figures.stopLogLines.length).toBeGreaterThan(0);
  expect(figures.stuckStopLastError).toMatch(/stuck-stop.*stop\(\) did not finish within \d+ ms/);
}
