/** A rate limit's tokens: a burst of one second's worth, refilled continuously at `rate` per second. */
export interface TokenBucket {
  tokens: number;
  at: number;
}

/** The bucket refilled up to `now` (created full when there is none yet); mutated in place. */
export function refillBucket(bucket: TokenBucket | undefined, now: number, rate: number): TokenBucket {
  const burst = Math.max(1, rate);
  const b = bucket ?? { tokens: burst, at: now };
  const elapsed = Math.max(0, now - b.at);
  b.tokens = Math.min(burst, b.tokens + (elapsed * rate) / 1000);
  b.at = now;
  return b;
}

/** When the bucket (already refilled to `now`) next holds a whole token: `now` if it does. */
export function nextTokenTime(bucket: TokenBucket, now: number, rate: number): number {
  return bucket.tokens >= 1 ? now : now + Math.ceil(((1 - bucket.tokens) * 1000) / rate);
}
