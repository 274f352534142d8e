/** The bounds of a backoff: the first step's delay, doubled per step up to the ceiling. */
export interface BackoffPolicy {
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Where in its step a delay may fall, as fractions of the step's base: `random` in [0, 1) picks a
 * point between `low · base` and `high · base`, so callers that failed together do not come back
 * together.
 */
export interface Jitter {
  readonly low: number;
  readonly high: number;
}

/** "Equal jitter": the upper half of the step (at least half the base, at most the base). Logon retries. */
export const EQUAL_JITTER: Jitter = Object.freeze({ low: 0.5, high: 1 });

/** ±25 % around the step's base, so the mean delay is the base itself. Retries of deferred recipients. */
export const SPREAD_JITTER: Jitter = Object.freeze({ low: 0.75, high: 1.25 });

/**
 * The delay of backoff step `step` (0 for the first): the base `minDelayMs · 2^step`, capped at
 * `maxDelayMs`, then jittered within `jitter` and rounded to whole milliseconds. The one backoff rule
 * of the kernel; callers that must stay within `[minDelayMs, maxDelayMs]` clamp the result.
 *
 * @example
 * backoffDelay(3, { minDelayMs: 1000, maxDelayMs: 300_000 }, EQUAL_JITTER, () => 0) // 4000
 */
export function backoffDelay(step: number, policy: BackoffPolicy, jitter: Jitter, random: () => number): number {
  const base = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** Math.min(Math.max(step, 0), 52));
  const point = Math.min(Math.max(random(), 0), 1);
  return Math.round(base * (jitter.low + (jitter.high - jitter.low) * point));
}
