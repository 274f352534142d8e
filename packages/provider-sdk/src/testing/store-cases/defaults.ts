import { describe, expect, it } from 'vitest';
import { STORE_DEFAULTS } from '../../lifecycle/store-defaults.js';
import { makeSubmitRequest } from '../store-fixtures.js';
import { LEASE_MS, type ConformanceContext } from './context.js';

const DAY_MS = 86_400_000;

/** Store defaults are the SDK's STORE_DEFAULTS, in the manifest and in a store created without options. */
export function defaultsCases({ store, manifest, reopen }: ConformanceContext): void {
  describe('store defaults (the SDK STORE_DEFAULTS)', () => {
    it('declares STORE_DEFAULTS in its manifest configSchema', (test) => {
      const properties = manifest()?.configSchema?.['properties'] as Record<string, { default?: unknown }> | undefined;
      if (!properties) return test.skip();
      expect(properties['sentRetentionDays']?.default, 'configSchema sentRetentionDays default').toBe(STORE_DEFAULTS.sentRetentionDays);
    });

    it('purges at open the sent messages older than the default retention, and keeps younger ones', async (test) => {
      if (!reopen.available()) return test.skip();
      const now = Date.now();
      const old = await store().submit(makeSubmitRequest({ submittedAt: now - 40 * DAY_MS }));
      const young = await store().submit(makeSubmitRequest({ submittedAt: now - 40 * DAY_MS }));
      const claims = await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: now - 40 * DAY_MS });
      const finishedAt = (id: string) => (id === old.messageId ? now - (STORE_DEFAULTS.sentRetentionDays + 1) * DAY_MS : now - (STORE_DEFAULTS.sentRetentionDays - 1) * DAY_MS);
      for (const claim of claims) await store().complete({ ...claim, result: { state: 'delivered' }, now: finishedAt(claim.messageId) });
      await reopen.run();
      expect((await store().listSent()).map((m) => m.id)).toEqual([young.messageId]);
    });
  });
}
