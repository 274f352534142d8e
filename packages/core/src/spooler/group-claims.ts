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
  // Keyed by provider, then message: no composite key to build (or escape) per claim.
  const byProvider = new Map<string, Map<string, ClaimGroup>>();
  const groups: ClaimGroup[] = [];
  for (const claim of claims) {
    let byMessage = byProvider.get(claim.provider);
    if (!byMessage) byProvider.set(claim.provider, (byMessage = new Map()));
    let group = byMessage.get(claim.messageId);
    if (!group) {
      byMessage.set(claim.messageId, (group = { provider: claim.provider, messageId: claim.messageId, claims: [] }));
      groups.push(group);
    }
    group.claims.push(claim);
  }
  return groups;
}
