import { describe, expect, it } from 'vitest';
import { makeDueInBatches } from '../../make-due.js';
import { makeSubmitRequest } from '../store-fixtures.js';
import { LEASE_MS, type ConformanceContext } from './context.js';

/** Deferred recipients: ordering by next attempt, attempt counting, makeDue, nextWakeAt. */
export function deferralCases({ store }: ConformanceContext): void {
  describe('deferral', () => {
    it('claims deferred recipients by next-attempt time, then submit order', async () => {
      const a = await store().submit(makeSubmitRequest({ subject: 'a' }));
      const b = await store().submit(makeSubmitRequest({ subject: 'b' }));
      const c = await store().submit(makeSubmitRequest({ subject: 'c' }));
      const d = await store().submit(makeSubmitRequest({ subject: 'd' }));
      const claims = await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 2000 });
      const retryAt = new Map([
        [a.messageId, 5000],
        [b.messageId, 3000],
        [c.messageId, 4000],
        [d.messageId, 3000],
      ]);
      for (const claim of claims) {
        const nextAttemptAt = retryAt.get(claim.messageId)!;
        await store().complete({ ...claim, result: { state: 'deferred', nextAttemptAt, countAttempt: true }, now: 2001 });
      }
      expect(await store().nextWakeAt()).toBe(3000);
      expect(await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 2999 })).toEqual([]);
      const due = await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 10_000 });
      expect(due.map((claim) => claim.messageId)).toEqual([b.messageId, d.messageId, c.messageId, a.messageId]);
    });

    it('counts an attempt only when the deferral says so, and keeps the last error', async () => {
      const { messageId } = await store().submit(makeSubmitRequest());
      const error = { code: 'SMTP_451', diagnostic: '451 4.7.1 try again later' };
      let [claim] = await store().claim({ owner: 's', limit: 1, leaseMs: LEASE_MS, now: 2000 });
      await store().complete({ ...claim!, result: { state: 'deferred', nextAttemptAt: 3000, countAttempt: true, error }, now: 2001 });
      [claim] = await store().claim({ owner: 's', limit: 1, leaseMs: LEASE_MS, now: 3000 });
      expect(claim?.attempts).toBe(1);
      await store().complete({ ...claim!, result: { state: 'deferred', nextAttemptAt: 4000, countAttempt: false }, now: 3001 });
      const waiting = await store().getMessage(messageId);
      expect(waiting?.recipients[0]).toMatchObject({ state: 'deferred', attempts: 1, nextAttemptAt: 4000, lastError: error, updatedAt: 3001 });
      [claim] = await store().claim({ owner: 's', limit: 1, leaseMs: LEASE_MS, now: 4000 });
      expect(claim?.attempts).toBe(1);
      await store().complete({ ...claim!, result: { state: 'failed', error: { code: 'SMTP_550', diagnostic: '550 no such user' } }, now: 4001 });
      const failed = await store().getMessage(messageId);
      expect(failed?.recipients[0]).toMatchObject({ state: 'failed', attempts: 2, lastError: { code: 'SMTP_550' } });
    });

    it('makes waiting recipients of the given providers due now (store-and-forward)', async () => {
      const p1 = await store().submit(makeSubmitRequest({ recipients: [{ to: 'a', provider: 'p1' }] }));
      const p2 = await store().submit(makeSubmitRequest({ recipients: [{ to: 'b', provider: 'p2' }] }));
      for (const claim of await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 2000 })) {
        await store().complete({ ...claim, result: { state: 'deferred', nextAttemptAt: 1_000_000, countAttempt: false }, now: 2001 });
      }
      expect(await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 2500 })).toEqual([]);
      expect(await store().makeDue(['p1', 'p3'], 2500)).toBe(1);
      expect(await store().nextWakeAt()).toBe(2500);
      const claims = await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 2500 });
      expect(claims.map((c) => c.messageId)).toEqual([p1.messageId]);
      expect((await store().getMessage(p2.messageId))?.recipients[0]?.nextAttemptAt).toBe(1_000_000);
      expect(await store().makeDue(['p2'], 2600)).toBe(1);
      expect((await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 2600 })).map((c) => c.messageId)).toEqual([p2.messageId]);
    });

    it('makes at most `limit` recipients due per call, never one twice, so a deep queue moves in ceil(N/limit) batches', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push((await store().submit(makeSubmitRequest({ subject: `m${i}`, recipients: [{ to: `r${i}`, provider: 'p1' }] }))).messageId);
      const other = await store().submit(makeSubmitRequest({ recipients: [{ to: 'x', provider: 'p2' }] }));
      for (const claim of await store().claim({ owner: 's', limit: 20, leaseMs: LEASE_MS, now: 2000 })) {
        await store().complete({ ...claim, result: { state: 'deferred', nextAttemptAt: 1_000_000, countAttempt: false }, now: 2001 });
      }
      const batches: number[] = [];
      const counting = { makeDue: async (providers: readonly string[], now: number, limit?: number) => {
        const moved = await store().makeDue(providers, now, limit);
        batches.push(moved);
        // Another writer between batches: the store is not held by the ones before.
        if (batches.length === 1) await store().submit(makeSubmitRequest({ subject: 'between', recipients: [{ to: 'y', provider: 'p2' }] }));
        return moved;
      } };
      expect(await makeDueInBatches(counting, ['p1'], 2500, 3)).toBe(7);
      expect(batches).toEqual([3, 3, 1]);
      expect(await store().makeDue(['p1'], 2500, 3)).toBe(0);
      const claims = await store().claim({ owner: 's', limit: 20, leaseMs: LEASE_MS, now: 2500, providers: ['p1'] });
      expect(claims.map((c) => c.messageId).sort()).toEqual([...ids].sort());
      expect((await store().getMessage(other.messageId))?.recipients[0]?.nextAttemptAt).toBe(1_000_000);
    });

    it('wakes at the earliest lease expiry while everything is in flight, and never for an empty queue', async () => {
      expect(await store().nextWakeAt()).toBeNull();
      await store().submit(makeSubmitRequest({ submittedAt: 1500 }));
      expect(await store().nextWakeAt()).toBe(1500);
      const [claim] = await store().claim({ owner: 's', limit: 1, leaseMs: 700, now: 2000 });
      expect(await store().nextWakeAt()).toBe(2700);
      await store().complete({ ...claim!, result: { state: 'delivered' }, now: 2100 });
      expect(await store().nextWakeAt()).toBeNull();
    });
  });
}
