import { describe, expect, it } from 'vitest';
import { asyncBounceTransition } from '../../lifecycle/async-bounce-rule.js';
import { hardBounceCountSince, isPurgeableSuppression, suppressionPurgeBefore, type SuppressionPolicy } from '../../lifecycle/suppression-rule.js';
import type { MessageEnvelope } from '../../message.js';
import type { BounceStore, ClaimResult, MessageStore, SuppressionStore } from '../../store.js';
import { makeSubmitRequest } from '../store-fixtures.js';
import { LEASE_MS, type ConformanceContext } from './context.js';

const USER_UNKNOWN = { code: '5.1.1', diagnostic: 'smtp; 550 5.1.1 <bob@example.net>: user unknown' };
const BUSY = { code: '4.2.1', diagnostic: 'mailbox busy' };

/** Submits a message to two recipients with these envelope keys, and settles each with its result (none: left queued). */
async function sendMessage(
  store: MessageStore,
  keys: { readonly envelopeId?: string; readonly messageId?: string },
  results: ReadonlyArray<ClaimResult | undefined>,
  submittedAt = 1000,
): Promise<string> {
  const request = makeSubmitRequest({ recipients: results.map((_, i) => ({ to: `test:r${i}`, provider: 'p1' })), submittedAt });
  const envelope: { -readonly [K in keyof MessageEnvelope]: MessageEnvelope[K] } = { ...request.envelope };
  if (keys.messageId !== undefined) envelope.messageId = keys.messageId;
  if (keys.envelopeId !== undefined) envelope.dsn = { envelopeId: keys.envelopeId };
  const { messageId } = await store.submit({ ...request, envelope });
  const claims = await store.claim({ owner: 'conformance', limit: 100, leaseMs: LEASE_MS, now: submittedAt + 1 });
  for (const claim of claims.filter((c) => c.messageId === messageId)) {
    const result = results[claim.recipientIndex];
    if (result !== undefined) await store.complete({ ...claim, result, now: submittedAt + 2 });
  }
  return messageId;
}

/** Correlation lookups and the asynchronous bounce transition, for stores that offer them (`MessageStore.bounces`). */
export function bounceCases({ store, reopen }: ConformanceContext): void {
  const bounces = (): BounceStore => {
    const kept = store().bounces;
    if (!kept) throw new Error('store conformance: this store offers no bounce correlation');
    return kept;
  };
  const offered = (): boolean => store().bounces !== undefined;

  describe('asynchronous bounces', () => {
    it('finds messages by ENVID and by Message-ID, exactly, newest first, at most limit', async (test) => {
      if (!offered()) return test.skip();
      const first = await sendMessage(store(), { envelopeId: 'q3-figures', messageId: '<a1@example.org>' }, [{ state: 'delivered' }], 1000);
      const second = await sendMessage(store(), { envelopeId: 'q3-figures', messageId: '<b2@example.org>' }, [{ state: 'delivered' }], 2000);
      await sendMessage(store(), {}, [{ state: 'delivered' }], 3000);
      expect(await bounces().findMessagesByKey({ envelopeId: 'q3-figures' }, 10)).toEqual([second, first]);
      expect(await bounces().findMessagesByKey({ envelopeId: 'q3-figures' }, 1)).toEqual([second]);
      expect(await bounces().findMessagesByKey({ messageId: '<a1@example.org>' }, 10)).toEqual([first]);
      expect(await bounces().findMessagesByKey({ envelopeId: 'Q3-FIGURES' }, 10)).toEqual([]);
      expect(await bounces().findMessagesByKey({ messageId: 'q3-figures' }, 10)).toEqual([]);
      expect(await bounces().findMessagesByKey({ envelopeId: '<a1@example.org>' }, 10)).toEqual([]);
    });

    it('finds a message still in the queue, and none once sent history is purged', async (test) => {
      if (!offered()) return test.skip();
      const open = await sendMessage(store(), { envelopeId: 'env-open' }, [{ state: 'delivered' }, undefined], 1000);
      const done = await sendMessage(store(), { envelopeId: 'env-done' }, [{ state: 'delivered' }], 1000);
      expect(await bounces().findMessagesByKey({ envelopeId: 'env-open' }, 5)).toEqual([open]);
      expect(await bounces().findMessagesByKey({ envelopeId: 'env-done' }, 5)).toEqual([done]);
      await store().purgeSent(10_000);
      expect(await bounces().findMessagesByKey({ envelopeId: 'env-done' }, 5)).toEqual([]);
      expect(await bounces().findMessagesByKey({ envelopeId: 'env-open' }, 5)).toEqual([open]);
    });

    it('fails a delivered recipient with the bounce, once, as asyncBounceTransition decides', async (test) => {
      if (!offered()) return test.skip();
      const messageId = await sendMessage(store(), {}, [{ state: 'delivered' }, { state: 'delivered' }]);
      const receipt = await bounces().failDelivered({ messageId, recipientIndex: 1, error: USER_UNKNOWN, now: 50_000 });
      expect(receipt).toEqual({ failed: true, before: 'delivered' });
      const after = (await store().getMessage(messageId))!;
      expect(after.recipients[1]).toMatchObject({ state: asyncBounceTransition('delivered', USER_UNKNOWN)!.state, lastError: USER_UNKNOWN, updatedAt: 50_000, attempts: 1 });
      expect(after.recipients[0]).toMatchObject({ state: 'delivered' });
      // Still finished, at the time it was finished: a bounce does not reopen a message.
      expect(after.finishedAt).toBe(1002);
      // The same bounce again changes nothing.
      expect(await bounces().failDelivered({ messageId, recipientIndex: 1, error: { code: '5.2.1', diagnostic: 'disabled' }, now: 60_000 })).toEqual({ failed: false, before: 'failed' });
      expect((await store().getMessage(messageId))!.recipients[1]).toMatchObject({ state: 'failed', lastError: USER_UNKNOWN, updatedAt: 50_000 });
    });

    it('leaves a recipient that is not delivered as it is', async (test) => {
      if (!offered()) return test.skip();
      const messageId = await sendMessage(store(), {}, [{ state: 'failed', error: USER_UNKNOWN }, { state: 'deferred', nextAttemptAt: 90_000, countAttempt: true, error: BUSY }, undefined]);
      const before = (await store().getMessage(messageId))!;
      expect(await bounces().failDelivered({ messageId, recipientIndex: 0, error: BUSY, now: 5000 })).toEqual({ failed: false, before: 'failed' });
      expect(await bounces().failDelivered({ messageId, recipientIndex: 1, error: USER_UNKNOWN, now: 5000 })).toEqual({ failed: false, before: 'deferred' });
      expect(await bounces().failDelivered({ messageId, recipientIndex: 2, error: USER_UNKNOWN, now: 5000 })).toEqual({ failed: false, before: 'in-flight' });
      expect(await bounces().failDelivered({ messageId, recipientIndex: 7, error: USER_UNKNOWN, now: 5000 })).toEqual({ failed: false });
      expect(await bounces().failDelivered({ messageId: 'no-such-message', recipientIndex: 0, error: USER_UNKNOWN, now: 5000 })).toEqual({ failed: false });
      expect((await store().getMessage(messageId))!.recipients).toEqual(before.recipients);
    });

    it('keeps the late failure and the keys across a reopen', async (test) => {
      if (!offered() || !reopen.available()) return test.skip();
      // Now, not at the epoch: a store purges sent history past its retention when it opens.
      const now = Date.now();
      const messageId = await sendMessage(store(), { envelopeId: 'env-kept', messageId: '<kept@example.org>' }, [{ state: 'delivered' }], now);
      await bounces().failDelivered({ messageId, recipientIndex: 0, error: USER_UNKNOWN, now: now + 10 });
      await reopen.run();
      expect(await bounces().findMessagesByKey({ envelopeId: 'env-kept' }, 5)).toEqual([messageId]);
      expect(await bounces().findMessagesByKey({ messageId: '<kept@example.org>' }, 5)).toEqual([messageId]);
      expect((await store().getMessage(messageId))!.recipients[0]).toMatchObject({ state: 'failed', lastError: USER_UNKNOWN });
    });
  });

  const list = (): SuppressionStore => store().suppression!;
  describe('suppression list: expired entries purged', () => {
    const POLICY: SuppressionPolicy = { afterHardBounces: 1, ttlMs: 10_000 };
    const bounce = (address: string, at: number) => ({ address, at, error: USER_UNKNOWN, countSince: hardBounceCountSince(at, POLICY) });

    it('removes entries whose last hard bounce is before the time, in batches of at most limit, never a manual one', async (test) => {
      if (store().suppression === undefined) return test.skip();
      for (let i = 0; i < 5; i += 1) await list().recordHardBounce(bounce(`smtp:old${i}@example.org`, 1000 + i));
      await list().recordHardBounce(bounce('smtp:fresh@example.org', 20_000));
      await list().recordHardBounce(bounce('smtp:kept@example.org', 1000));
      await list().suppress({ address: 'smtp:kept@example.org', at: 1500, reason: 'by hand' });
      const before = suppressionPurgeBefore(25_000, POLICY);
      const purgeable = (await list().listSuppressed()).filter((e) => isPurgeableSuppression(e, before)).map((e) => e.address);
      expect(purgeable.sort()).toEqual([0, 1, 2, 3, 4].map((i) => `smtp:old${i}@example.org`));
      expect(await list().purgeExpired(before, 3)).toBe(3);
      expect(await list().purgeExpired(before, 3)).toBe(2);
      expect(await list().purgeExpired(before, 3)).toBe(0);
      expect((await list().listSuppressed()).map((e) => e.address).sort()).toEqual(['smtp:fresh@example.org', 'smtp:kept@example.org']);
    });
  });
}
