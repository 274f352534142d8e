import { describe, expect, it } from 'vitest';
import { makeSubmitRequest } from '../store-fixtures.js';
import { LEASE_MS, type ConformanceContext } from './context.js';

/** Many claimers at once never share a recipient. */
export function concurrencyCases({ store }: ConformanceContext): void {
  describe('concurrency', () => {
    it('never gives one recipient to two of many parallel claimers', async () => {
      const submitted = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          store().submit(makeSubmitRequest({ subject: `m${i}`, recipients: [{ to: 'a', provider: 'p1' }, { to: 'b', provider: i % 2 ? 'p1' : 'p2' }] })),
        ),
      );
      expect(new Set(submitted.map((s) => s.messageId)).size).toBe(60);
      const batches = await Promise.all(
        Array.from({ length: 25 }, (_, i) => store().claim({ owner: `spooler-${i}`, limit: 7, leaseMs: LEASE_MS, now: 2000 })),
      );
      const claims = batches.flat();
      const keys = claims.map((c) => `${c.messageId}#${c.recipientIndex}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(claims).toHaveLength(120);
      expect(new Set(claims.map((c) => c.leaseId)).size).toBe(120);
    });

    it('completes many claims concurrently, finishing each message once', async () => {
      for (let i = 0; i < 30; i += 1) await store().submit(makeSubmitRequest({ recipients: [{ to: 'a', provider: 'p1' }, { to: 'b', provider: 'p1' }] }));
      const claims = await store().claim({ owner: 's', limit: 100, leaseMs: LEASE_MS, now: 2000 });
      const receipts = await Promise.all(claims.map((c) => store().complete({ ...c, result: { state: 'delivered' }, now: 2100 })));
      expect(receipts.filter((r) => r.messageFinished)).toHaveLength(30);
      expect(await store().listQueue()).toEqual([]);
      expect(await store().listSent()).toHaveLength(30);
    });
  });
}
