import type { Claim } from '@xport/provider-sdk';

/** One transport's share of one message: what a single `send` call is handed. */
export interface ClaimGroup {
  readonly provider: string;
  readonly messageId: string;
  readonly claims: Claim[];
}

/**
 * Groups a batch of claims by message and responsible provider, keeping claim order, so each
 * transport is handed only its own recipients of a message, in one call.
 *
 * @example
 * groupClaims(claims).map((g) => `${g.provider}:${g.messageId}:${g.claims.length}`)
 */
export function groupClaims(claims: readonly Claim[]): ClaimGroup[] {
  const groups = new Map<string, ClaimGroup>();
  for (const claim of claims) {
    const key = JSON.stringify([claim.provider, claim.messageId]);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { provider: claim.provider, messageId: claim.messageId, claims: [] }));
    group.claims.push(claim);
  }
  return [...groups.values()];
}
