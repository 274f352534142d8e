import { RateLimiterMemory } from 'rate-limiter-flexible';

/**
 * Counts failed authentications per client address in a fixed window (rate-limiter-flexible's
 * in-memory limiter: each key expires with its window, so a flood of addresses holds memory for one
 * window at most). A client that reached the limit is refused until its window ends.
 */
export class FailedAuthLimiter {
  private readonly limiter: RateLimiterMemory;

  constructor(private readonly limit: number, windowMs: number) {
    // The limiter counts in whole seconds.
    this.limiter = new RateLimiterMemory({ points: limit, duration: Math.max(1, Math.ceil(windowMs / 1000)) });
  }

  /** Seconds until `client` may try again, or 0 when it may try now. */
  async refusedFor(client: string): Promise<number> {
    const state = await this.limiter.get(client);
    if (state === null || state.consumedPoints < this.limit) return 0;
    return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  }

  /** Records a failed authentication of `client`. */
  async recordFailure(client: string): Promise<void> {
    // Over the limit it rejects with the limiter's state: the count went up all the same.
    await this.limiter.consume(client).catch(() => undefined);
  }
}
