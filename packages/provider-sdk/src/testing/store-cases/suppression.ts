import { describe, expect, it } from 'vitest';
import { hardBounceCountSince, isSuppressed, type SuppressionPolicy } from '../../lifecycle/suppression-rule.js';
import type { SuppressionStore } from '../../store.js';
import type { ConformanceContext } from './context.js';

const POLICY: SuppressionPolicy = { afterHardBounces: 2, ttlMs: 10_000 };
const ADA = 'smtp:ada@example.org';
const BOB = 'smtp:bob@example.org';
const USER_UNKNOWN = { code: '5.1.1', diagnostic: '550 5.1.1 user unknown' };

function bounce(address: string, at: number) {
  return { address, at, error: USER_UNKNOWN, countSince: hardBounceCountSince(at, POLICY) };
}

/** The suppression list, for stores that keep one (`MessageStore.suppression`), judged by the SDK rule. */
export function suppressionCases({ store, reopen }: ConformanceContext): void {
  const list = (): SuppressionStore => {
    const suppression = store().suppression;
    if (!suppression) throw new Error('store conformance: this store keeps no suppression list');
    return suppression;
  };
  const kept = (): boolean => store().suppression !== undefined;

  describe('suppression list', () => {
    it('counts hard bounces per address and restarts the count after ttl', async (test) => {
      if (!kept()) return test.skip();
      expect(await list().recordHardBounce(bounce(ADA, 1000))).toMatchObject({ address: ADA, hardBounces: 1, lastBounceAt: 1000, manual: false, lastError: USER_UNKNOWN });
      const second = await list().recordHardBounce(bounce(ADA, 5000));
      expect(second).toMatchObject({ hardBounces: 2, lastBounceAt: 5000, updatedAt: 5000 });
      expect(isSuppressed(second, POLICY, 14_999)).toBe(true);
      expect(isSuppressed(second, POLICY, 15_000)).toBe(false);
      // More than ttlMs after the last one: the earlier bounces no longer count.
      expect(await list().recordHardBounce(bounce(ADA, 15_001))).toMatchObject({ hardBounces: 1, lastBounceAt: 15_001 });
      expect(await list().recordHardBounce(bounce(BOB, 2000))).toMatchObject({ address: BOB, hardBounces: 1 });
    });

    it('finds the entries of several addresses in one call', async (test) => {
      if (!kept()) return test.skip();
      await list().recordHardBounce(bounce(ADA, 1000));
      await list().recordHardBounce(bounce(BOB, 2000));
      const found = await list().findSuppressions([ADA, BOB, 'smtp:carol@example.org']);
      expect(found.map((e) => e.address).sort()).toEqual([ADA, BOB]);
      expect(await list().findSuppressions([])).toEqual([]);
      expect(await list().findSuppressions(['smtp:carol@example.org'])).toEqual([]);
      // One address alone (a store may look it up another way) answers the same entry.
      expect(await list().findSuppressions([BOB])).toEqual(found.filter((e) => e.address === BOB));
    });

    it('adds by hand (suppressed until removed), keeping any count, and removes', async (test) => {
      if (!kept()) return test.skip();
      await list().recordHardBounce(bounce(ADA, 1000));
      const manual = await list().suppress({ address: ADA, at: 3000, reason: 'asked to stop' });
      expect(manual).toMatchObject({ address: ADA, manual: true, reason: 'asked to stop', hardBounces: 1, lastBounceAt: 1000, updatedAt: 3000 });
      expect(isSuppressed(manual, POLICY, 1_000_000)).toBe(true);
      const bobManual = await list().suppress({ address: BOB, at: 4000 });
      expect(bobManual).toMatchObject({ manual: true, hardBounces: 0, lastBounceAt: null });
      expect(bobManual.reason).toBeUndefined();
      expect(await list().unsuppress(ADA)).toBe(true);
      expect(await list().unsuppress(ADA)).toBe(false);
      expect((await list().listSuppressed()).map((e) => e.address)).toEqual([BOB]);
    });

    it('lists most recently updated first, with limit and offset', async (test) => {
      if (!kept()) return test.skip();
      await list().recordHardBounce(bounce(ADA, 1000));
      await list().suppress({ address: BOB, at: 3000 });
      await list().recordHardBounce(bounce('smtp:carol@example.org', 2000));
      expect((await list().listSuppressed()).map((e) => e.address)).toEqual([BOB, 'smtp:carol@example.org', ADA]);
      expect((await list().listSuppressed({ limit: 1, offset: 1 })).map((e) => e.address)).toEqual(['smtp:carol@example.org']);
    });

    it('keeps entries across a reopen', async (test) => {
      if (!kept() || !reopen.available()) return test.skip();
      await list().recordHardBounce(bounce(ADA, 1000));
      await list().suppress({ address: BOB, at: 2000, reason: 'complaint' });
      await reopen.run();
      const found = await list().findSuppressions([ADA, BOB]);
      expect(found.find((e) => e.address === ADA)).toMatchObject({ hardBounces: 1, lastBounceAt: 1000, lastError: USER_UNKNOWN, manual: false });
      expect(found.find((e) => e.address === BOB)).toMatchObject({ manual: true, reason: 'complaint', hardBounces: 0 });
    });
  });
}
