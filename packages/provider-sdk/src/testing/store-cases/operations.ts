import { describe, expect, it } from 'vitest';
import { DELETED_ERROR, type QueueOperation } from '../../lifecycle/queue-operations.js';
import type { RecipientFilter } from '../../lifecycle/recipient-filter.js';
import type { QueueEntry, QueueOperationBatch, QueueOperationsStore } from '../../queue-operations-store.js';
import { makeSubmitRequest, type FixtureRecipient } from '../store-fixtures.js';
import { LEASE_MS, type ConformanceContext } from './context.js';

/** Queue operations by filter, for stores that implement them (`MessageStore.operations`), judged by the SDK rules. */
export function operationCases({ store, reopen }: ConformanceContext): void {
  const ops = (): QueueOperationsStore => {
    const operations = store().operations;
    if (!operations) throw new Error('store conformance: this store implements no queue operations');
    return operations;
  };
  const kept = (): boolean => store().operations !== undefined;

  const submit = async (recipients: readonly FixtureRecipient[], submittedAt = 1000, expiresAt?: number): Promise<string> =>
    (await store().submit(makeSubmitRequest({ recipients, submittedAt, ...(expiresAt === undefined ? {} : { expiresAt }) }))).messageId;
  const states = async (messageId: string) => (await store().getMessage(messageId))?.recipients.map((r) => r.state);
  const apply = (operation: QueueOperation, filter: RecipientFilter, now: number, limit = 100): Promise<QueueOperationBatch> =>
    ops().applyOperation({ operation, filter, now, limit });
  const listAll = async (filter: RecipientFilter, pageSize: number): Promise<QueueEntry[]> => {
    const entries: QueueEntry[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page += 1) {
      const result = await ops().listRecipients({ filter, limit: pageSize, ...(cursor === undefined ? {} : { cursor }) });
      entries.push(...result.entries);
      if (result.nextCursor === null) return entries;
      cursor = result.nextCursor;
    }
    throw new Error('store conformance: listRecipients never ended');
  };

  describe('queue operations', () => {
    it('holds queued and deferred recipients: never claimed, never stranded nor expired, counted as held, until released due now', async (test) => {
      if (!kept()) return test.skip();
      const id = await submit([{ to: 'smtp:a@example.org', provider: 'p1' }, { to: 'smtp:b@example.org', provider: 'p1' }, { to: 'smtp:c@other.example', provider: 'p1' }], 1000, 5000);
      const [claim] = await store().claim({ owner: 's', limit: 1, leaseMs: LEASE_MS, now: 1500 });
      await store().complete({ ...claim!, result: { state: 'deferred', nextAttemptAt: 9000, countAttempt: true }, now: 1600 });
      const held = await apply('hold', { domains: ['EXAMPLE.org'] }, 2000);
      expect(held).toMatchObject({ changed: 2, skippedInFlight: 0, finishedMessages: [] });
      expect(held.affected.map((a) => [a.messageId, a.index, a.from, a.to, a.recipient.address])).toEqual([
        [id, 0, 'deferred', 'held', 'a@example.org'],
        [id, 1, 'queued', 'held', 'b@example.org'],
      ]);
      expect(await states(id)).toEqual(['held', 'held', 'queued']);
      const counts = await store().counts();
      expect(counts.byState.held).toBe(2);
      expect(counts.byProvider['p1']).toEqual({ queued: 1, inFlight: 0, deferred: 0, held: 2 });
      // Past the message's expiry: the held ones are neither claimed nor swept; the other one expires.
      const claimed = await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 20_000 });
      expect(claimed.map((c) => c.recipientIndex)).toEqual([2]);
      await store().complete({ ...claimed[0]!, result: { state: 'delivered' }, now: 20_001 });
      expect(await store().claimStranded({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 30_000 })).toEqual([]);
      expect(await store().nextWakeAt()).toBeNull();

      const released = await apply('release', { messageIds: [id] }, 40_000);
      expect(released.changed).toBe(2);
      expect(released.affected.map((a) => [a.from, a.to])).toEqual([
        ['held', 'queued'],
        ['held', 'queued'],
      ]);
      const message = await store().getMessage(id);
      expect(message?.recipients.map((r) => [r.state, r.nextAttemptAt])).toEqual([
        ['queued', 40_000],
        ['queued', 40_000],
        ['delivered', null],
      ]);
      expect(message?.recipients[0]?.attempts).toBe(1);
      expect(await store().nextWakeAt()).toBe(40_000);
    });

    it('selects by state, provider, address type, domain (any case), age and message, and lists in submit order with cursor paging', async (test) => {
      if (!kept()) return test.skip();
      const m1 = await submit([{ to: 'smtp:a@Example.ORG', provider: 'smtp' }, { to: 'loopback:ops', provider: 'loop' }], 1000);
      const m2 = await submit([{ to: 'smtp:b@example.org', provider: 'smtp' }, { to: 'smtp:c@other.example', provider: 'relay' }], 2000);
      const m3 = await submit([{ to: 'smtp:d@EXAMPLE.org', provider: 'smtp' }], 3000);
      const ids = (entries: readonly QueueEntry[]) => entries.map((e) => `${e.messageId === m1 ? 'm1' : e.messageId === m2 ? 'm2' : 'm3'}#${e.index}`);
      const list = async (filter: RecipientFilter) => ids((await ops().listRecipients({ filter, limit: 100 })).entries);

      expect(await list({})).toEqual(['m1#0', 'm1#1', 'm2#0', 'm2#1', 'm3#0']);
      expect(await list({ domains: ['example.org'] })).toEqual(['m1#0', 'm2#0', 'm3#0']);
      expect(await list({ providers: ['relay', 'loop'] })).toEqual(['m1#1', 'm2#1']);
      expect(await list({ addressTypes: ['loopback'] })).toEqual(['m1#1']);
      expect(await list({ submittedBefore: 2000 })).toEqual(['m1#0', 'm1#1']);
      expect(await list({ messageIds: [m3, m2] })).toEqual(['m2#0', 'm2#1', 'm3#0']);
      expect(await list({ domains: ['example.org'], submittedBefore: 3000, providers: ['smtp'] })).toEqual(['m1#0', 'm2#0']);
      await apply('hold', { messageIds: [m2] }, 4000);
      expect(await list({ states: ['held'] })).toEqual(['m2#0', 'm2#1']);
      expect(await list({ states: ['queued'] })).toEqual(['m1#0', 'm1#1', 'm3#0']);

      const entry = (await ops().listRecipients({ filter: { messageIds: [m1] }, limit: 1 })).entries[0];
      expect(entry).toMatchObject({ messageId: m1, index: 0, submittedAt: 1000, recipient: { type: 'smtp', address: 'a@Example.ORG' }, role: 'to', provider: 'smtp', state: 'queued', attempts: 0 });
      // Pages of two: every recipient once, in order, whatever the page size.
      expect(ids(await listAll({}, 2))).toEqual(['m1#0', 'm1#1', 'm2#0', 'm2#1', 'm3#0']);
      expect(ids(await listAll({ domains: ['example.org'] }, 1))).toEqual(['m1#0', 'm2#0', 'm3#0']);
      // A final recipient leaves the queue listing.
      const [claim] = await store().claim({ owner: 's', limit: 1, leaseMs: LEASE_MS, now: 5000, providers: ['loop'] });
      await store().complete({ ...claim!, result: { state: 'delivered' }, now: 5001 });
      expect(await list({ messageIds: [m1] })).toEqual(['m1#0']);
    });

    it('never changes a recipient in flight: it is skipped and counted, and a dry-run count equals what the operation then changes', async (test) => {
      if (!kept()) return test.skip();
      const id = await submit([{ to: 'smtp:a@example.org', provider: 'p1' }, { to: 'smtp:b@example.org', provider: 'p1' }, { to: 'smtp:c@example.org', provider: 'p1' }]);
      const [claim] = await store().claim({ owner: 's', limit: 1, leaseMs: LEASE_MS, now: 1500 });
      for (const operation of ['hold', 'delete', 'retry'] as const) {
        expect(await ops().countOperation({ operation, filter: { domains: ['example.org'] }, now: 2000 })).toEqual({ changes: operation === 'retry' ? 0 : 2, inFlight: 1 });
      }
      // Release never counts one in flight: a held recipient is never in flight.
      expect(await ops().countOperation({ operation: 'release', filter: { domains: ['example.org'] }, now: 2000 })).toEqual({ changes: 0, inFlight: 0 });
      const held = await apply('hold', { domains: ['example.org'] }, 2000);
      expect(held).toMatchObject({ changed: 2, skippedInFlight: 1 });
      expect(await states(id)).toEqual(['in-flight', 'held', 'held']);
      // The send settles under its lease as usual.
      await store().complete({ ...claim!, result: { state: 'delivered' }, now: 2100 });
      expect(await ops().countOperation({ operation: 'delete', filter: { messageIds: [id] }, now: 2200 })).toEqual({ changes: 2, inFlight: 0 });
      expect(await ops().countOperation({ operation: 'release', filter: { messageIds: [id] }, now: 2200 })).toEqual({ changes: 2, inFlight: 0 });
      expect(await ops().countOperation({ operation: 'hold', filter: { messageIds: [id] }, now: 2200 })).toEqual({ changes: 0, inFlight: 0 });
    });

    it('changes at most limit recipients a batch, in submit order, until none is left', async (test) => {
      if (!kept()) return test.skip();
      const a = await submit([{ to: 'smtp:1@example.org', provider: 'p1' }, { to: 'smtp:2@example.org', provider: 'p1' }, { to: 'smtp:3@example.org', provider: 'p1' }], 1000);
      const b = await submit([{ to: 'smtp:4@example.org', provider: 'p1' }, { to: 'smtp:5@example.org', provider: 'p1' }], 2000);
      const batches: Array<Array<[string, number]>> = [];
      for (;;) {
        const batch = await apply('hold', { providers: ['p1'] }, 3000, 2);
        batches.push(batch.affected.map((x) => [x.messageId === a ? 'a' : 'b', x.index]));
        expect(batch.changed).toBe(batch.affected.length);
        if (batch.changed < 2) break;
      }
      expect(batches).toEqual([
        [
          ['a', 0],
          ['a', 1],
        ],
        [
          ['a', 2],
          ['b', 0],
        ],
        [['b', 1]],
      ]);
      expect(await states(b)).toEqual(['held', 'held']);
    });

    it('retry makes deferred and not-yet-due queued recipients due now, and leaves due ones as they are', async (test) => {
      if (!kept()) return test.skip();
      const id = await submit([{ to: 'smtp:a@example.org', provider: 'p1' }, { to: 'smtp:b@example.org', provider: 'p1' }]);
      const [claim] = await store().claim({ owner: 's', limit: 1, leaseMs: LEASE_MS, now: 1500 });
      await store().complete({ ...claim!, result: { state: 'deferred', nextAttemptAt: 90_000, countAttempt: true, error: { code: '4.4.1', diagnostic: 'no answer' } }, now: 1600 });
      const retried = await apply('retry', { providers: ['p1'] }, 2000);
      expect(retried.affected.map((x) => [x.index, x.from, x.to])).toEqual([[0, 'deferred', 'queued']]);
      const message = await store().getMessage(id);
      expect(message?.recipients.map((r) => [r.state, r.nextAttemptAt, r.attempts])).toEqual([
        ['queued', 2000, 1],
        ['queued', 1000, 0],
      ]);
      expect(message?.recipients[0]?.lastError).toEqual({ code: '4.4.1', diagnostic: 'no answer' });
      expect((await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 2000 })).map((c) => c.recipientIndex)).toEqual([1, 0]);
      expect((await apply('retry', { providers: ['p1'] }, 2001)).changed).toBe(0);
    });

    it('delete aborts queued, deferred and held recipients with the deleted diagnostic and finishes their messages', async (test) => {
      if (!kept()) return test.skip();
      const done = await submit([{ to: 'smtp:a@example.org', provider: 'p1' }, { to: 'smtp:b@example.org', provider: 'p1' }]);
      const open = await submit([{ to: 'smtp:c@example.org', provider: 'p1' }, { to: 'smtp:d@other.example', provider: 'p1' }]);
      await apply('hold', { messageIds: [done], domains: ['example.org'] }, 1500);
      const deleted = await apply('delete', { domains: ['example.org'] }, 2000);
      expect(deleted.affected.map((x) => [x.messageId === done ? 'done' : 'open', x.index, x.from, x.to])).toEqual([
        ['done', 0, 'held', 'aborted'],
        ['done', 1, 'held', 'aborted'],
        ['open', 0, 'queued', 'aborted'],
      ]);
      expect(deleted.finishedMessages).toEqual([done]);
      const finished = await store().getMessage(done);
      expect(finished?.finishedAt).toBe(2000);
      expect(finished?.recipients.map((r) => [r.state, r.lastError])).toEqual([
        ['aborted', DELETED_ERROR],
        ['aborted', DELETED_ERROR],
      ]);
      expect((await store().listSent()).map((m) => m.id)).toEqual([done]);
      expect(await states(open)).toEqual(['aborted', 'queued']);
      expect((await store().getMessage(open))?.finishedAt).toBeUndefined();
      expect((await store().counts()).byState).toMatchObject({ aborted: 3, queued: 1, held: 0 });
    });

    it('abort cancels held recipients too', async (test) => {
      if (!kept()) return test.skip();
      const id = await submit([{ to: 'smtp:a@example.org', provider: 'p1' }, { to: 'smtp:b@example.org', provider: 'p1' }]);
      await apply('hold', { messageIds: [id] }, 1500);
      await store().abort(id, 2000);
      expect(await states(id)).toEqual(['aborted', 'aborted']);
      expect((await store().getMessage(id))?.finishedAt).toBe(2000);
    });

    it('keeps held recipients held across a reopen (durable stores)', async (test) => {
      if (!kept() || !reopen.available()) return test.skip();
      const id = await submit([{ to: 'smtp:a@example.org', provider: 'p1' }]);
      await apply('hold', { messageIds: [id] }, 1500);
      await reopen.run();
      expect(await states(id)).toEqual(['held']);
      expect((await ops().listRecipients({ filter: { states: ['held'], domains: ['example.org'] }, limit: 10 })).entries.map((e) => e.messageId)).toEqual([id]);
      expect(await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 99_000 })).toEqual([]);
    });
  });
}
