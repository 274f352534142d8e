import { describe, expect, it } from 'vitest';
import { applyRecipientTransition, recipientTransition } from '../../lifecycle/recipient-transition.js';
import type { ClaimResult, StoredRecipient } from '../../store.js';
import { makeSubmitRequest } from '../store-fixtures.js';
import { LEASE_MS, type ConformanceContext } from './context.js';

const busy = { code: '4.2.1', diagnostic: 'mailbox busy' };
const gone = { code: '5.1.1', diagnostic: 'mailbox unknown' };

/** Sequences of results one recipient goes through; each step is claimed when due and completed. */
const SEQUENCES: ReadonlyArray<{ readonly name: string; readonly results: readonly ClaimResult[] }> = [
  { name: 'delivered at once', results: [{ state: 'delivered' }] },
  { name: 'failed at once', results: [{ state: 'failed', error: gone }] },
  { name: 'expired (no attempt counted)', results: [{ state: 'expired', error: { code: '4.4.7', diagnostic: 'expired' } }] },
  {
    name: 'deferred twice (one counted, one not), then delivered: the last error stays',
    results: [
      { state: 'deferred', nextAttemptAt: 5000, countAttempt: true, error: busy },
      { state: 'deferred', nextAttemptAt: 7000, countAttempt: false },
      { state: 'delivered' },
    ],
  },
  {
    name: 'handed over without a time (keeps its place), handed over with a time, then failed',
    results: [
      { state: 'queued', provider: 'p2' },
      { state: 'queued', provider: 'p3', nextAttemptAt: 6000 },
      { state: 'failed', error: gone },
    ],
  },
  { name: 'released with no provider, then settled as stranded', results: [{ state: 'queued', provider: null }, { state: 'failed', error: gone }] },
];

function progress(r: StoredRecipient) {
  return { state: r.state, provider: r.provider, attempts: r.attempts, nextAttemptAt: r.nextAttemptAt, lastError: r.lastError, updatedAt: r.updatedAt };
}

/** Every completion stores exactly what the SDK's recipientTransition decides, table-driven from it. */
export function transitionCases({ store }: ConformanceContext): void {
  describe('recipient transitions (the SDK lifecycle module)', () => {
    for (const { name, results } of SEQUENCES) {
      it(`stores what recipientTransition decides: ${name}`, async () => {
        const { messageId } = await store().submit(makeSubmitRequest({ recipients: [{ to: 'a', provider: 'p1' }] }));
        let now = 2000;
        for (const [step, result] of results.entries()) {
          const before = (await store().getMessage(messageId))!.recipients[0]!;
          const due = Math.max(now, before.nextAttemptAt ?? now);
          const claim =
            before.provider === null
              ? (await store().claimStranded({ owner: 's', limit: 1, leaseMs: LEASE_MS, now: due, messageId }))[0]
              : (await store().claim({ owner: 's', limit: 1, leaseMs: LEASE_MS, now: due }))[0];
          expect(claim, `step ${step}: the recipient is claimable at ${due}`).toMatchObject({ messageId, recipientIndex: 0, attempts: before.attempts });
          now = due + 10;
          const receipt = await store().complete({ ...claim!, result, now });
          const transition = recipientTransition(result);
          const after = (await store().getMessage(messageId))!;
          const expected = applyRecipientTransition({ ...progress(before), lastError: before.lastError }, transition, now);
          expect(progress(after.recipients[0]!), `step ${step}: ${result.state}`).toEqual(expected);
          expect(receipt.messageFinished).toBe(transition.final);
          expect(after.finishedAt).toBe(transition.final ? now : undefined);
        }
      });
    }
  });
}
