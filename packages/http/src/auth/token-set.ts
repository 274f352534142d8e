import { hash, timingSafeEqual } from 'node:crypto';

// One-shot SHA-256 (crypto.hash): no Hash stream object per call, half the cost of createHash; every request pays it.
const digest = (value: string): Buffer => hash('sha256', value, 'buffer');

/**
 * The API tokens, kept as SHA-256 digests. A presented token is compared with every one in constant
 * time: both sides are digests of the same length (so neither a token's length nor its first
 * differing byte shows in the time taken), and no comparison stops early.
 */
export class TokenSet {
  private readonly digests: readonly Buffer[];

  constructor(tokens: readonly string[]) {
    this.digests = tokens.filter((token) => token !== '').map(digest);
  }

  get size(): number {
    return this.digests.length;
  }

  matches(presented: string): boolean {
    const candidate = digest(presented);
    let found = false;
    for (const known of this.digests) found = timingSafeEqual(known, candidate) || found;
    return found;
  }
}
