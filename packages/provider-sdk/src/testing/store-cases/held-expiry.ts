import { describe, expect, it } from 'vitest';
import type { RecipientFilter } from '../../lifecycle/recipient-filter.js';
import type { QueueOperationBatch, QueueOperationsStore } from '../../queue-operations-store.js';
import { makeSubmitRequest, type FixtureRecipient } from '../store-fixtures.js';
import { LEASE_MS, type ConformanceContext } from './context.js';

const EXPIRED = { code: '4.4.7', diagnostic: 'expired' };

/**
 * A hold that lets its recipients expire (`applyOperation` with `expire: true`), for stores that
 * implement queue operations: held the same way (never claimed), yet leased by `claimStranded` once
 * their message's lifetime passes (the SDK's `isStranded`), so the spooler expires them unsent.
 */
export function heldExpiryCases({ store, reopen }: ConformanceContext): void {
  const ops = (): QueueOperationsStore => {
    const operations = store().operations;
    if (!operations) throw new Error('store conformance: this store implements no queue operations');
    return operations;
  };
  const kept = (): boolean => store().operations !== undefined;

  const submit = async (recipients: readonly FixtureRecipient[], expiresAt: number): Promise<string> =>
    (await store().submit(makeSubmitRequest({ recipients, submittedAt: 1000, expiresAt }))).messageId;
  const states = async (messageId: string) => (await store().getMessage(messageId))?.recipients.map((r) => r.state);
  const hold = (filter: RecipientFilter, now: number, expire?: boolean): Promise<QueueOperationBatch> =>
    ops().applyOperation({ operation: 'hold', filter, now, limit: 100, ...(expire === undefined ? {} : { expire }) });
  const expiring = async (messageId: string) =>
    (await ops().listRecipients({ filter: { messageIds: [messageId] }, limit: 100 })).entries.map((e) => [e.index, e.state, e.expiresWhileHeld === true]);

  describe('holds that let recipients expire', () => {
    it('holds with expire: never claimed, and leased by claimStranded once the message expires — only the recipients held with expire', async (test) => {
      if (!kept()) return test.skip();
      const id = await submit([{ to: 'smtp:a@example.org', provider: 'p1' }, { to: 'smtp:b@example.org', provider: 'p1' }, { to: 'smtp:c@other.example', provider: 'p1' }], 5000);
      const [claim] = await store().claim({ owner: 's', limit: 1, leaseMs: LEASE_MS, now: 1500 });
      await store().complete({ ...claim!, result: { state: 'deferred', nextAttemptAt: 9000, countAttempt: true }, now: 1600 });
      const withExpiry = await hold({ domains: ['example.org'] }, 2000, true);
      expect(withExpiry).toMatchObject({ changed: 2, skippedInFlight: 0, finishedMessages: [] });
      expect(withExpiry.affected.map((a) => [a.index, a.from, a.to])).toEqual([
        [0, 'deferred', 'held'],
        [1, 'queued', 'held'],
      ]);
      expect((await hold({ messageIds: [id] }, 2100, false)).affected.map((a) => a.index)).toEqual([2]);
      expect(await expiring(id)).toEqual([
        [0, 'held', true],
        [1, 'held', true],
        [2, 'held', false],
      ]);
      expect((await store().getMessage(id))?.recipients.map((r) => r.expiresWhileHeld)).toEqual([true, true, undefined]);
      expect((await store().counts()).byProvider['p1']).toEqual({ queued: 0, inFlight: 0, deferred: 0, held: 3 });

      // Before the message's expiry nothing is claimed or swept; at it, no claim either (held is never sent).
      expect(await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 4999 })).toEqual([]);
      expect(await store().claimStranded({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 4999 })).toEqual([]);
      expect(await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 5000 })).toEqual([]);
      const stranded = await store().claimStranded({ owner: 'sweeper', limit: 10, leaseMs: LEASE_MS, now: 5000 });
      expect(stranded.map((c) => [c.messageId, c.recipientIndex, c.provider, c.attempts])).toEqual([
        [id, 0, 'p1', 1],
        [id, 1, 'p1', 0],
      ]);
      expect(stranded[0]).toMatchObject({ recipient: { type: 'smtp', address: 'a@example.org' }, leaseExpiresAt: 5000 + LEASE_MS });
      // Leased once: another sweeper finds nothing.
      expect(await store().claimStranded({ owner: 'other', limit: 10, leaseMs: LEASE_MS, now: 5001 })).toEqual([]);
      for (const c of stranded) expect((await store().complete({ ...c, result: { state: 'expired', error: EXPIRED }, now: 5002 })).messageFinished).toBe(false);
      const message = await store().getMessage(id);
      expect(message?.recipients.map((r) => [r.state, r.attempts, r.lastError])).toEqual([
        ['expired', 1, EXPIRED],
        ['expired', 0, EXPIRED],
        ['held', 0, undefined],
      ]);
      expect(message?.finishedAt).toBeUndefined();
      expect(message?.recipients.map((r) => r.expiresWhileHeld)).toEqual([undefined, undefined, undefined]);
      // The one held without expire stays held, however late it gets.
      expect(await store().claimStranded({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 10 ** 9 })).toEqual([]);
      expect((await store().counts()).byState).toMatchObject({ held: 1, expired: 2, 'in-flight': 0 });
    });

    it('release clears expire: a recipient released and held again without it never expires while held; a count is the same either way', async (test) => {
      if (!kept()) return test.skip();
      const id = await submit([{ to: 'smtp:a@example.org', provider: 'p1' }], 5000);
      expect(await ops().countOperation({ operation: 'hold', filter: { messageIds: [id] }, now: 2000 })).toEqual({ changes: 1, inFlight: 0 });
      await hold({ messageIds: [id] }, 2000, true);
      const released = await ops().applyOperation({ operation: 'release', filter: { messageIds: [id] }, now: 3000, limit: 100 });
      expect(released.affected.map((a) => [a.from, a.to])).toEqual([['held', 'queued']]);
      expect(await expiring(id)).toEqual([[0, 'queued', false]]);
      expect((await store().getMessage(id))?.recipients[0]?.expiresWhileHeld).toBeUndefined();
      await hold({ messageIds: [id] }, 3100);
      expect(await expiring(id)).toEqual([[0, 'held', false]]);
      expect(await store().claimStranded({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 6000 })).toEqual([]);
      expect(await states(id)).toEqual(['held']);
    });

    it('keeps a hold with expire across a reopen (durable stores)', async (test) => {
      if (!kept() || !reopen.available()) return test.skip();
      const id = await submit([{ to: 'smtp:a@example.org', provider: 'p1' }, { to: 'smtp:b@example.org', provider: 'p1' }], 5000);
      await hold({ messageIds: [id], domains: ['example.org'] }, 1500, true);
      await reopen.run();
      expect(await expiring(id)).toEqual([
        [0, 'held', true],
        [1, 'held', true],
      ]);
      expect((await store().getMessage(id))?.recipients.map((r) => r.expiresWhileHeld)).toEqual([true, true]);
      expect(await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 99_000 })).toEqual([]);
      const stranded = await store().claimStranded({ owner: 'sweeper', limit: 10, leaseMs: LEASE_MS, now: 5000 });
      expect(stranded.map((c) => [c.messageId, c.recipientIndex])).toEqual([
        [id, 0],
        [id, 1],
      ]);
    });
  });
}
