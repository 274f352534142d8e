import { describe, expect, it } from 'vitest';
import { backoffDelay, EQUAL_JITTER, SPREAD_JITTER } from '../src/backoff/exponential-backoff.js';

const policy = { minDelayMs: 1000, maxDelayMs: 60_000 };

describe('backoffDelay: the one backoff rule', () => {
  it('doubles the base per step from minDelayMs and caps it at maxDelayMs', () => {
    // random 1 with equal jitter is the base itself.
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((step) => backoffDelay(step, policy, EQUAL_JITTER, () => 1))).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000]);
    expect(backoffDelay(10_000, policy, EQUAL_JITTER, () => 1)).toBe(60_000);
    expect(backoffDelay(-3, policy, EQUAL_JITTER, () => 1)).toBe(1000);
  });

  it('equal jitter keeps a delay in the upper half of its step', () => {
    expect(backoffDelay(3, policy, EQUAL_JITTER, () => 0)).toBe(4000);
    expect(backoffDelay(3, policy, EQUAL_JITTER, () => 0.5)).toBe(6000);
  });

  it('spread jitter keeps a delay within ±25 % of its step, centred on it', () => {
    expect(backoffDelay(3, policy, SPREAD_JITTER, () => 0)).toBe(6000);
    expect(backoffDelay(3, policy, SPREAD_JITTER, () => 0.5)).toBe(8000);
    expect(backoffDelay(3, policy, SPREAD_JITTER, () => 1)).toBe(10_000);
  });

  it('treats a random source outside [0, 1] as its nearest end', () => {
    expect(backoffDelay(1, policy, SPREAD_JITTER, () => -2)).toBe(1500);
    expect(backoffDelay(1, policy, SPREAD_JITTER, () => 7)).toBe(2500);
  });
});
