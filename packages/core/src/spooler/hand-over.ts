import type { Claim } from '@xport/provider-sdk';
import type { GroupContext } from './deliver-group.js';
import type { DestinationLimiter } from './destination-limiter.js';
import { destinationOf } from './destination-of.js';
import { groupClaims } from './group-claims.js';
import type { ProviderLimiter } from './provider-limiter.js';
import type { SendDispatch } from './send-dispatch.js';
import { releaseClaims } from './settle-claim.js';
import type { SpoolLoopEvent } from './spool-loop-state.js';

export interface HandOverParts {
  readonly ctx: GroupContext;
  readonly limiter: ProviderLimiter;
  readonly destinations: DestinationLimiter;
  readonly sends: SendDispatch;
  readonly running: () => boolean;
  readonly report: (event: SpoolLoopEvent) => void;
}

/**
 * Hands one provider's claims to it, a send per message and destination, as far as the destination's
 * and the transport's limits allow now. The rest goes back to the queue, no attempt counted: a full
 * or suspended destination's until its turn, a full transport's until its next rate token (or at
 * once), and everything while the loop is stopping.
 */
export async function handOverClaims(parts: HandOverParts, provider: string, claims: readonly Claim[]): Promise<void> {
  const { ctx, limiter, destinations, sends, running, report } = parts;
  const transport = ctx.host.transport(provider);
  for (const group of groupClaims(claims, (claim) => destinationOf(transport, claim.recipient))) {
    const t = ctx.clock.now();
    const admission = running() ? destinations.admit(group.provider, group.destination, t) : undefined;
    if (admission !== undefined && !admission.admitted) {
      report({ type: 'claims-put-back' });
      await releaseClaims(ctx, group.claims, admission.until);
    } else if (admission !== undefined && limiter.tryAcquire(group.provider, t)) {
      report({ type: 'send-started' });
      sends.dispatch(group.provider, group.destination, group.claims);
    } else {
      if (admission !== undefined) destinations.cancel(group.provider, group.destination);
      const at = running() ? limiter.nextTokenAt(group.provider, t) : t;
      report({ type: 'claims-put-back' });
      await releaseClaims(ctx, group.claims, at > t ? at : undefined);
    }
  }
}
