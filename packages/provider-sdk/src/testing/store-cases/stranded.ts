import { describe, expect, it } from 'vitest';
import { makeSubmitRequest } from '../store-fixtures.js';
import { LEASE_MS, type ConformanceContext } from './context.js';

/** claimStranded: recipients no send can settle — no provider, or past the message's lifetime. */
export function strandedCases({ store }: ConformanceContext): void {
  describe('stranded recipients', () => {
    it('leases a queued recipient with no provider, keeps its message open until it is completed, and never hands it to claim', async () => {
      const { messageId } = await store().submit(
        makeSubmitRequest({ recipients: [{ to: 'fax:1', provider: null, state: 'queued' }, { to: 'b', provider: 'p1' }] }),
      );
      expect((await store().getMessage(messageId))?.recipients.map((r) => [r.provider, r.state])).toEqual([
        [null, 'queued'],
        ['p1', 'queued'],
      ]);
      expect((await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 2000 })).map((c) => c.recipientIndex)).toEqual([1]);
      const [stranded, ...more] = await store().claimStranded({ owner: 'sweeper', limit: 10, leaseMs: LEASE_MS, now: 2000 });
      expect(more).toEqual([]);
      expect(stranded).toMatchObject({ messageId, recipientIndex: 0, provider: null, recipient: { type: 'fax', address: '1' }, leaseExpiresAt: 2000 + LEASE_MS });
      expect(await store().claimStranded({ owner: 'other', limit: 10, leaseMs: LEASE_MS, now: 2001 })).toEqual([]);
      const error = { code: '5.1.2', diagnostic: 'no transport for address type fax' };
      await store().complete({ ...stranded!, result: { state: 'failed', error }, now: 2002 });
      const message = await store().getMessage(messageId);
      expect(message?.recipients[0]).toMatchObject({ provider: null, state: 'failed', lastError: error });
      expect(message?.finishedAt).toBeUndefined();
    });

    it('leases waiting recipients of an expired message whatever their provider, and only those', async () => {
      const old = await store().submit(makeSubmitRequest({ expiresAt: 5000, recipients: [{ to: 'a', provider: 'offline' }, { to: 'b', provider: 'p1' }] }));
      const young = await store().submit(makeSubmitRequest({ expiresAt: 500_000, recipients: [{ to: 'c', provider: 'offline' }] }));
      // b is in flight under a live lease: its sender settles it, not the sweep.
      const [inFlight] = await store().claim({ owner: 's', limit: 1, leaseMs: LEASE_MS, now: 2000, providers: ['p1'] });
      expect(inFlight?.messageId).toBe(old.messageId);
      expect(await store().claimStranded({ owner: 'sweeper', limit: 10, leaseMs: LEASE_MS, now: 4999 })).toEqual([]);
      const claims = await store().claimStranded({ owner: 'sweeper', limit: 10, leaseMs: LEASE_MS, now: 5000 });
      expect(claims.map((c) => [c.messageId, c.recipientIndex, c.provider])).toEqual([[old.messageId, 0, 'offline']]);
      const receipt = await store().complete({ ...claims[0]!, result: { state: 'expired', error: { code: '4.4.7', diagnostic: 'expired' } }, now: 5001 });
      expect(receipt.messageFinished).toBe(false);
      expect((await store().getMessage(young.messageId))?.recipients[0]?.state).toBe('queued');
      // Once b's lease has expired too (its sender died), the sweep takes it.
      const late = await store().claimStranded({ owner: 'sweeper', limit: 10, leaseMs: LEASE_MS, now: 2000 + LEASE_MS });
      expect(late.map((c) => [c.messageId, c.recipientIndex, c.provider])).toEqual([[old.messageId, 1, 'p1']]);
    });

    it('honours the limit and the message filter', async () => {
      const first = await store().submit(makeSubmitRequest({ recipients: [{ to: 'x:1', provider: null, state: 'queued' }, { to: 'x:2', provider: null, state: 'queued' }] }));
      const second = await store().submit(makeSubmitRequest({ recipients: [{ to: 'x:3', provider: null, state: 'queued' }] }));
      expect(await store().claimStranded({ owner: 's', limit: 0, leaseMs: LEASE_MS, now: 2000 })).toEqual([]);
      expect(await store().claimStranded({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 2000, messageId: 'no-such-message' })).toEqual([]);
      const only = await store().claimStranded({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 2000, messageId: second.messageId });
      expect(only.map((c) => [c.messageId, c.recipientIndex])).toEqual([[second.messageId, 0]]);
      const one = await store().claimStranded({ owner: 's', limit: 1, leaseMs: LEASE_MS, now: 2000 });
      expect(one.map((c) => [c.messageId, c.recipientIndex])).toEqual([[first.messageId, 0]]);
    });
  });
}
