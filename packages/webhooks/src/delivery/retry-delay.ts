import type { WebhookSettings } from '@xport/core';

/**
 * The wait before the next attempt of an event after `failures` failed attempts (1 after the
 * first): exponential from `minDelayMs`, doubled each time and capped at `maxDelayMs`, with "equal
 * jitter" (a random point in the upper half) so endpoints that failed together do not retry together.
 * A `Retry-After` the receiver sent is honoured when longer, up to `maxDelayMs`.
 *
 * @example
 * toRetryDelay(1, { minDelayMs: 5000, maxDelayMs: 3600000, maxAttempts: 20 }, () => 1); // 5000
 * toRetryDelay(3, { minDelayMs: 5000, maxDelayMs: 3600000, maxAttempts: 20 }, () => 0); // 10000
 */
export function toRetryDelay(failures: number, retry: WebhookSettings['retry'], random: () => number, retryAfterMs?: number): number {
  const ceiling = Math.min(retry.maxDelayMs, retry.minDelayMs * 2 ** Math.min(failures - 1, 40));
  const jittered = Math.round(ceiling / 2 + (random() * ceiling) / 2);
  return retryAfterMs === undefined ? jittered : Math.max(jittered, Math.min(retryAfterMs, retry.maxDelayMs));
}
