import { describe, expect, it } from 'vitest';
import { makeSubmitRequest } from '../store-fixtures.js';
import { LEASE_MS, type ConformanceContext } from './context.js';

/** Health and counts: recipients by state and provider, quarantine, work notifications. */
export function countsCases({ store }: ConformanceContext): void {
  describe('counts, health and notifications', () => {
    it('counts recipients by state and non-final ones by provider', async () => {
      const empty = await store().counts();
      expect(empty.byState).toEqual({ queued: 0, 'in-flight': 0, deferred: 0, held: 0, delivered: 0, failed: 0, expired: 0, aborted: 0 });
      expect(empty.byProvider).toEqual({});
      await store().submit(makeSubmitRequest({ recipients: [{ to: 'a', provider: 'p1' }, { to: 'b', provider: 'p1' }, { to: 'c', provider: 'p2' }] }));
      await store().submit(makeSubmitRequest({ recipients: [{ to: 'd', provider: null }, { to: 'e', provider: null, state: 'failed' }] }));
      const [first, second] = await store().claim({ owner: 's', limit: 2, leaseMs: LEASE_MS, now: 2000, providers: ['p1'] });
      await store().complete({ ...first!, result: { state: 'delivered' }, now: 2001 });
      await store().complete({ ...second!, result: { state: 'deferred', nextAttemptAt: 5000, countAttempt: true }, now: 2001 });
      await store().claim({ owner: 's', limit: 1, leaseMs: LEASE_MS, now: 2002, providers: ['p2'] });
      const counts = await store().counts();
      expect(counts.byState).toEqual({ queued: 1, 'in-flight': 1, deferred: 1, held: 0, delivered: 1, failed: 1, expired: 0, aborted: 0 });
      expect(counts.byProvider).toEqual({
        p1: { queued: 0, inFlight: 0, deferred: 1, held: 0 },
        p2: { queued: 0, inFlight: 1, deferred: 0, held: 0 },
        '': { queued: 1, inFlight: 0, deferred: 0, held: 0 },
      });
    });

    it('has nothing quarantined when nothing is corrupt', async () => {
      await store().submit(makeSubmitRequest());
      expect(await store().quarantined()).toEqual([]);
    });

    it('tells work listeners about a submit, and no longer tells one that unsubscribed', async () => {
      let unsubscribedCalls = 0;
      const unsubscribe = store().onWork(() => {
        unsubscribedCalls += 1;
      });
      unsubscribe();
      const heard = new Promise<void>((resolve) => {
        const stop = store().onWork(() => {
          stop();
          resolve();
        });
      });
      await store().submit(makeSubmitRequest());
      await heard;
      expect(unsubscribedCalls).toBe(0);
    });

    it('tells work listeners when recipients are made due or handed over', async () => {
      await store().submit(makeSubmitRequest());
      const [claim] = await store().claim({ owner: 's', limit: 1, leaseMs: LEASE_MS, now: 2000 });
      const handedOver = new Promise<void>((resolve) => {
        const stop = store().onWork(() => {
          stop();
          resolve();
        });
      });
      await store().complete({ ...claim!, result: { state: 'queued', provider: 'p2' }, now: 2001 });
      await handedOver;
    });
  });
}
