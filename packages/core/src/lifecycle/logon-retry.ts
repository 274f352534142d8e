import { backoffDelay, EQUAL_JITTER, type BackoffPolicy } from '../backoff/exponential-backoff.js';

export type { BackoffPolicy } from '../backoff/exponential-backoff.js';

/**
 * Delay before logon retry number `attempt` (0 for the first retry): the base doubles from
 * `minDelayMs` up to `maxDelayMs`, and equal jitter picks a point in its upper half so providers
 * failing together do not retry in lockstep.
 *
 * @example
 * logonRetryDelay(0, { minDelayMs: 1000, maxDelayMs: 300000 }, () => 1) // 1000
 * logonRetryDelay(3, { minDelayMs: 1000, maxDelayMs: 300000 }, () => 0) // 4000
 */
export function logonRetryDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  return backoffDelay(attempt, policy, EQUAL_JITTER, random);
}
