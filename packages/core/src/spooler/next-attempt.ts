import { backoffDelay, SPREAD_JITTER } from '../backoff/exponential-backoff.js';
import type { RetryOptions } from './host.js';

/** A transport's retry-after below this is raised to it, so a transport cannot make the spooler spin. */
export const MIN_RETRY_AFTER_MS = 1000;

export interface NextAttemptInput {
  readonly now: number;
  /** Attempts made so far, counting the one that just deferred (1 after the first failure). */
  readonly attempts: number;
  /** The transport's own retry-after, which wins over the backoff. */
  readonly retryAfterMs?: number;
  readonly expiresAt: number;
  readonly retry: RetryOptions;
  /** In [0, 1); injected for tests. */
  readonly random?: () => number;
}

/**
 * When a deferred recipient is next due: the transport's retry-after if it gave one, else the
 * kernel's exponential backoff (min · 2^(attempts-1), capped at max) with ±25 % jitter so recipients
 * deferred together do not come back together, kept within [min, max]. Never later than the
 * message's expiry, so expiry is noticed on time.
 *
 * @example
 * computeNextAttempt({ now: 0, attempts: 1, expiresAt: 1e12, retry: { minDelayMs: 300_000, maxDelayMs: 4_000_000, lifetimeMs: 432_000_000 } })
 */
export function computeNextAttempt(input: NextAttemptInput): number {
  const { retry } = input;
  let delay: number;
  if (input.retryAfterMs !== undefined) {
    delay = Math.min(Math.max(input.retryAfterMs, MIN_RETRY_AFTER_MS), retry.maxDelayMs);
  } else {
    const jittered = backoffDelay(input.attempts - 1, retry, SPREAD_JITTER, input.random ?? Math.random);
    delay = Math.min(Math.max(jittered, retry.minDelayMs), retry.maxDelayMs);
  }
  return Math.min(input.now + delay, input.expiresAt);
}
