import { RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible';

// Past this many refused clients, the ones whose time is up are forgotten before another is added.
const PRUNE_AT = 10_000;

/**
 * Counts failed authentications per client address in a fixed window (rate-limiter-flexible's
 * in-memory limiter: each key expires with its window, so a flood of addresses holds memory for one
 * window at most). A client that reached the limit is refused until its window ends. The refusals
 * are also kept here, so the check every request makes is a map look-up, not a promise.
 */
export class FailedAuthLimiter {
  private readonly limiter: RateLimiterMemory;
  /** Clients over the limit, and until when (epoch ms). */
  private readonly refused = new Map<string, number>();

  constructor(private readonly limit: number, windowMs: number, private readonly now: () => number = Date.now) {
    // The limiter counts in whole seconds.
    this.limiter = new RateLimiterMemory({ points: limit, duration: Math.max(1, Math.ceil(windowMs / 1000)) });
  }

  /** Seconds until `client` may try again, or 0 when it may try now. */
  refusedFor(client: string): number {
    const until = this.refused.get(client);
    if (until === undefined) return 0;
    const left = until - this.now();
    if (left > 0) return Math.ceil(left / 1000);
    this.refused.delete(client);
    return 0;
  }

  /** Records a failed authentication of `client`; resolves once a client that reached the limit is refused. */
  async recordFailure(client: string): Promise<void> {
    let state: RateLimiterRes;
    try {
      state = await this.limiter.consume(client);
    } catch (over) {
      // Over the limit the limiter rejects with its state: the count went up all the same.
      state = over as RateLimiterRes;
    }
    if (state.consumedPoints >= this.limit) this.refuse(client, state.msBeforeNext);
  }

  private refuse(client: string, forMs: number): void {
    if (this.refused.size >= PRUNE_AT) {
      const now = this.now();
      for (const [key, until] of this.refused) if (until <= now) this.refused.delete(key);
    }
    this.refused.set(client, this.now() + Math.max(forMs, 1));
  }
}
