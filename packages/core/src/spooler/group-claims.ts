import type { Claim } from '@xport/provider-sdk';

/** One transport's share of one message for one destination: what a single `send` call is handed. */
export interface ClaimGroup {
  readonly provider: string;
  readonly messageId: string;
  readonly destination: string;
  readonly claims: Claim[];
}

/**
 * Groups a batch of claims by message, responsible provider and destination (`destinationOf`),
 * keeping claim order, so each transport is handed only its own recipients of a message for one
 * destination, in one call.
 *
 * @example
 * groupClaims(claims, (c) => c.recipient.type).map((g) => `${g.provider}:${g.messageId}:${g.destination}:${g.claims.length}`)
 */
export function groupClaims(claims: readonly Claim[], destinationOf: (claim: Claim) => string): ClaimGroup[] {
  // Keyed by provider, then message, then destination: no composite key to build (or escape) per claim.
  const byProvider = new Map<string, Map<string, Map<string, ClaimGroup>>>();
  const groups: ClaimGroup[] = [];
  for (const claim of claims) {
    let byMessage = byProvider.get(claim.provider);
    if (!byMessage) byProvider.set(claim.provider, (byMessage = new Map()));
    let byDestination = byMessage.get(claim.messageId);
    if (!byDestination) byMessage.set(claim.messageId, (byDestination = new Map()));
    const destination = destinationOf(claim);
    let group = byDestination.get(destination);
    if (!group) {
      byDestination.set(destination, (group = { provider: claim.provider, messageId: claim.messageId, destination, claims: [] }));
      groups.push(group);
    }
    group.claims.push(claim);
  }
  return groups;
}
