import { describe, expect, it } from 'vitest';
import { makeSubmitRequest } from '../store-fixtures.js';
import { LEASE_MS, type ConformanceContext } from './context.js';

/** Claims that leave held destinations' recipients in the store (`ClaimRequest.skipDestinations`). */
export function destinationCases({ store }: ConformanceContext): void {
  describe('claims skipping destinations', () => {
    it('leaves the recipients of a skipped destination queued and untouched, and claims the others in due order', async () => {
      const slow = await store().submit(
        makeSubmitRequest({ recipients: [{ to: 'a@slow', provider: 'p1', destination: 'slow' }, { to: 'b@slow', provider: 'p1', destination: 'slow' }] }),
      );
      const fast = await store().submit(makeSubmitRequest({ recipients: [{ to: 'c@fast', provider: 'p1', destination: 'fast' }] }));
      const before = await store().getMessage(slow.messageId);
      const claims = await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 2000, providers: ['p1'], skipDestinations: ['slow'] });
      expect(claims.map((c) => [c.messageId, c.recipientIndex])).toEqual([[fast.messageId, 0]]);
      // Not leased, not rescheduled: exactly as it was.
      expect(await store().getMessage(slow.messageId)).toEqual(before);
      // Without the skip, they are claimable as ever.
      const later = await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 2000, skipDestinations: [] });
      expect(later.map((c) => [c.messageId, c.recipientIndex])).toEqual([
        [slow.messageId, 0],
        [slow.messageId, 1],
      ]);
    });

    it('takes the address type as the destination of a recipient submitted without one', async () => {
      const { messageId } = await store().submit(makeSubmitRequest({ recipients: [{ to: 'fax:+331', provider: 'p1' }, { to: 'test:ada', provider: 'p1' }] }));
      const claims = await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 2000, skipDestinations: ['fax'] });
      expect(claims.map((c) => [c.messageId, c.recipientIndex])).toEqual([[messageId, 1]]);
    });

    it('keeps the destination a hand-over names with the new provider, and the old one when it names none', async () => {
      const { messageId } = await store().submit(makeSubmitRequest({ recipients: [{ to: 'a', provider: 'p1', destination: 'first' }, { to: 'b', provider: 'p1', destination: 'first' }] }));
      const [moved, kept] = await store().claim({ owner: 's', limit: 2, leaseMs: LEASE_MS, now: 2000 });
      await store().complete({ ...moved!, result: { state: 'queued', provider: 'p2', destination: 'second' }, now: 2001 });
      await store().complete({ ...kept!, result: { state: 'queued', provider: 'p2' }, now: 2001 });
      const skipFirst = await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 3000, providers: ['p2'], skipDestinations: ['first'] });
      expect(skipFirst.map((c) => [c.messageId, c.recipientIndex])).toEqual([[messageId, 0]]);
      const skipSecond = await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 3000, providers: ['p2'], skipDestinations: ['second'] });
      expect(skipSecond.map((c) => [c.messageId, c.recipientIndex])).toEqual([[messageId, 1]]);
    });

    it('reports the recipients of a skipped destination in counts and in nextWakeAt as waiting', async () => {
      await store().submit(makeSubmitRequest({ submittedAt: 1500, recipients: [{ to: 'a', provider: 'p1', destination: 'held' }] }));
      expect(await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 2000, skipDestinations: ['held'] })).toEqual([]);
      const counts = await store().counts();
      expect(counts.byState.queued).toBe(1);
      expect(counts.byProvider['p1']).toEqual({ queued: 1, inFlight: 0, deferred: 0, held: 0 });
      expect(await store().nextWakeAt()).toBe(1500);
    });
  });
}
