import type { ClaimResult, StoredMessage, StrandedClaim } from '@xport/provider-sdk';
import { expiredError } from './outcomes.js';
import { noTransportError } from './route-recipients.js';
import { releaseClaims, settleClaims, type SettleContext } from './settle-claim.js';

export interface StrandedSweep {
  readonly owner: string;
  /** Only this message (the submit that just queued it). */
  readonly messageId?: string;
}

/** A recipient no transport takes fails (5.1.2); one that outlived its message's lifetime expires (4.4.7). */
function toStrandedResult(stored: StoredMessage, claim: StrandedClaim): ClaimResult {
  const last = stored.recipients[claim.recipientIndex]?.lastError;
  if (claim.provider === null) return { state: 'failed', error: last ?? noTransportError(claim.recipient) };
  return { state: 'expired', error: expiredError(stored.submittedAt, stored.expiresAt, last) };
}

/**
 * Settles the recipients no send can settle, with their NDRs: unroutable ones (kept open by the
 * store until this has run, so a crash after the submit loses no report) and those whose message
 * expired while their transport was offline (the loop only claims for available transports).
 * Each is leased first, so another spooler never settles it twice; a report write that fails
 * leaves the lease to expire and the next sweep to try again. Returns how many were claimed.
 */
export async function settleStranded(ctx: SettleContext, sweep: StrandedSweep): Promise<number> {
  const { host } = ctx;
  const { batchSize, leaseMs } = host.options;
  let total = 0;
  // A full batch may end in the middle of a message: its claims wait for the next batch, so that all
  // of a message's stranded recipients are settled together (one NDR), however many there are.
  let carried: StrandedClaim[] = [];
  for (;;) {
    const claims = await host.store.claimStranded({
      owner: sweep.owner,
      limit: batchSize,
      leaseMs,
      now: host.clock.now(),
      ...(sweep.messageId !== undefined ? { messageId: sweep.messageId } : {}),
    });
    total += claims.length;
    const full = claims.length >= batchSize;
    const byMessage = new Map<string, StrandedClaim[]>();
    for (const claim of carried.length === 0 ? claims : [...carried, ...claims]) {
      const list = byMessage.get(claim.messageId);
      if (list) list.push(claim);
      else byMessage.set(claim.messageId, [claim]);
    }
    carried = [];
    const last = claims.at(-1)?.messageId;
    if (full && last !== undefined) {
      carried = byMessage.get(last) ?? [];
      byMessage.delete(last);
    }
    for (const [messageId, group] of byMessage) {
      const stored = await host.store.getMessage(messageId);
      if (!stored) {
        await releaseClaims(ctx, group);
        continue;
      }
      // One settle per message: its recipients failed at submit (or expired) together share one NDR.
      await settleClaims(ctx, stored, group.map((claim) => ({ claim, result: toStrandedResult(stored, claim), attempted: false })));
    }
    if (!full) return total;
  }
}
