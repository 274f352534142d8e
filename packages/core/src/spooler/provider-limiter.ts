import type { ProviderLimits } from './host.js';
import { nextTokenTime, refillBucket, type TokenBucket } from './token-bucket.js';

export interface ProviderLimiter {
  /** True when the provider has a free concurrency slot and a rate token now. */
  hasCapacity(providerId: string, now: number): boolean;
  /** How many more messages may be handed over now (free slots, whole rate tokens); Infinity when unlimited. */
  capacity(providerId: string, now: number): number;
  /**
   * Whether a claim round for this provider is worth its cost now: nothing in flight, or at least a
   * quarter of its concurrency free. Claiming the moment a single slot frees costs one round (a store
   * write, a deadline, a wake-up timer) per message; a transport that queues internally (a connection
   * pool) still has the other three quarters of its window to work on meanwhile.
   */
  worthClaiming(providerId: string, maxRound: number): boolean;
  /** Takes a slot and a token for one message; false (nothing taken) when either is missing. */
  tryAcquire(providerId: string, now: number): boolean;
  /** Gives the slot back when the send has settled. */
  release(providerId: string): void;
  /** When the next rate token arrives (now if one is there). */
  nextTokenAt(providerId: string, now: number): number;
  inFlight(providerId: string): number;
}

/**
 * Per-provider concurrency (messages in flight) and rate (messages per second, a token bucket whose
 * burst is one second's worth) for handing messages to transports. Limits are read on every call,
 * so a configuration reload applies at once.
 */
export function createProviderLimiter(limitsOf: (providerId: string) => ProviderLimits): ProviderLimiter {
  const inFlight = new Map<string, number>();
  const buckets = new Map<string, TokenBucket>();

  const refill = (id: string, now: number, rate: number): TokenBucket => {
    const bucket = refillBucket(buckets.get(id), now, rate);
    buckets.set(id, bucket);
    return bucket;
  };
  const slotFree = (id: string, concurrency: number): boolean => concurrency <= 0 || (inFlight.get(id) ?? 0) < concurrency;
  const tokenThere = (id: string, now: number, rate: number): boolean => rate <= 0 || refill(id, now, rate).tokens >= 1;

  return {
    hasCapacity(id, now) {
      const { concurrency, ratePerSecond } = limitsOf(id);
      return slotFree(id, concurrency) && tokenThere(id, now, ratePerSecond);
    },
    capacity(id, now) {
      const { concurrency, ratePerSecond } = limitsOf(id);
      const slots = concurrency <= 0 ? Infinity : Math.max(0, concurrency - (inFlight.get(id) ?? 0));
      const tokens = ratePerSecond <= 0 ? Infinity : Math.floor(refill(id, now, ratePerSecond).tokens);
      return Math.min(slots, tokens);
    },
    worthClaiming(id, maxRound) {
      const { concurrency } = limitsOf(id);
      const busy = inFlight.get(id) ?? 0;
      if (concurrency <= 0 || busy === 0) return true;
      return concurrency - busy >= Math.min(maxRound, Math.ceil(concurrency / 4));
    },
    tryAcquire(id, now) {
      const { concurrency, ratePerSecond } = limitsOf(id);
      if (!slotFree(id, concurrency) || !tokenThere(id, now, ratePerSecond)) return false;
      if (ratePerSecond > 0) refill(id, now, ratePerSecond).tokens -= 1;
      inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
      return true;
    },
    release(id) {
      const n = (inFlight.get(id) ?? 0) - 1;
      if (n > 0) inFlight.set(id, n);
      else inFlight.delete(id);
    },
    nextTokenAt(id, now) {
      const { ratePerSecond } = limitsOf(id);
      if (ratePerSecond <= 0) return now;
      return nextTokenTime(refill(id, now, ratePerSecond), now, ratePerSecond);
    },
    inFlight: (id) => inFlight.get(id) ?? 0,
  };
}
