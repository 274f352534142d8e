export interface BackoffPolicy {
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Delay before logon retry number `attempt` (0 for the first retry): the base doubles from
 * `minDelayMs` up to `maxDelayMs`, and "equal jitter" picks a point in its upper half so providers
 * failing together do not retry in lockstep.
 *
 * @example
 * logonRetryDelay(0, { minDelayMs: 1000, maxDelayMs: 300000 }, () => 1) // 1000
 * logonRetryDelay(3, { minDelayMs: 1000, maxDelayMs: 300000 }, () => 0) // 4000
 */
export function logonRetryDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const base = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** Math.min(attempt, 52));
  return Math.round(base / 2 + (base / 2) * Math.min(Math.max(random(), 0), 1));
}
