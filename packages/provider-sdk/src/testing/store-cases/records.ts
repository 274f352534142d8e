import { describe, expect, it } from 'vitest';
import { DECODABLE_RECORDS, UNDECODABLE_RECORDS } from '../record-samples.js';
import { makeSubmitRequest } from '../store-fixtures.js';
import { LEASE_MS, type ConformanceContext } from './context.js';

/**
 * Stored records are judged by the SDK's record codec, the same in every store: an undecodable one is
 * quarantined (listed, never served), a decodable one is served. Runs for stores whose factory can
 * rewrite a stored field (`rewriteRecord`); a store that keeps no encoded records has nothing to judge.
 */
export function recordCases({ store, rewriteRecord }: ConformanceContext): void {
  describe('stored records (the SDK record codec)', () => {
    for (const sample of UNDECODABLE_RECORDS) {
      it(`quarantines a message whose stored record is undecodable: ${sample.name}`, async (test) => {
        const rewrite = rewriteRecord();
        if (!rewrite) return test.skip();
        const { messageId } = await store().submit(makeSubmitRequest());
        const kept = await store().submit(makeSubmitRequest({ subject: 'kept' }));
        await rewrite(messageId, sample.field, sample.value);
        expect(await store().getMessage(messageId)).toBeUndefined();
        expect((await store().quarantined()).map((q) => q.id)).toEqual([messageId]);
        expect((await store().listQueue()).map((m) => m.id)).toEqual([kept.messageId]);
        const claims = await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 2000 });
        expect(claims.map((c) => c.messageId)).not.toContain(messageId);
      });
    }

    for (const sample of DECODABLE_RECORDS) {
      it(`serves a message whose stored record decodes: ${sample.name}`, async (test) => {
        const rewrite = rewriteRecord();
        if (!rewrite) return test.skip();
        const { messageId } = await store().submit(makeSubmitRequest());
        await rewrite(messageId, sample.field, sample.value);
        expect((await store().getMessage(messageId))?.id).toBe(messageId);
        expect(await store().quarantined()).toEqual([]);
      });
    }
  });
}
