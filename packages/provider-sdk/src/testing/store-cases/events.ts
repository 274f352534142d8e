import { describe, expect, it } from 'vitest';
import type { DeliveryEvent, EventLog } from '../../lifecycle/delivery-events.js';
import { makeReceiveRequest, makeSubmitRequest } from '../store-fixtures.js';
import { LEASE_MS, expectXportError, type ConformanceContext } from './context.js';

const BUSY = { code: '4.2.1', diagnostic: '451 4.2.1 mailbox busy' };
const UNKNOWN = { code: '5.1.1', diagnostic: '550 5.1.1 user unknown' };
const LATE = { code: '4.4.7', diagnostic: 'not delivered within its lifetime' };

/** What an event says, without its id (ids are only checked for order). */
function said(events: readonly DeliveryEvent[]): Array<Omit<DeliveryEvent, 'id'>> {
  return events.map(({ id: _id, ...rest }) => rest);
}

function expectIncreasing(events: readonly DeliveryEvent[]): void {
  for (let i = 1; i < events.length; i += 1) expect(events[i]!.id, `event #${i} id`).toBeGreaterThan(events[i - 1]!.id);
  for (const e of events) expect(Number.isInteger(e.id) && e.id > 0, `event id ${e.id}`).toBe(true);
}

/**
 * The durable event log (`MessageStore.events`), for stores that keep one: each write appends the
 * events it owes (the SDK's `submitEvents`, `completionEvent`, `deletedEvent`, `receivedEvent`) in
 * its own transaction, read by cursor, purged in bounded batches.
 */
export function eventCases({ store }: ConformanceContext): void {
  const log = (): EventLog => {
    const events = store().events;
    if (!events) throw new Error('store conformance: this store keeps no event log');
    return events;
  };
  const kept = (): boolean => store().events !== undefined;
  const all = (): Promise<DeliveryEvent[]> => log().readEvents({ limit: 1000 });

  describe('delivery events', () => {
    it('starts empty: lastEventId is 0 and a read finds nothing', async (test) => {
      if (!kept()) return test.skip('this store keeps no event log (MessageStore.events)');
      expect(await log().lastEventId()).toBe(0);
      expect(await all()).toEqual([]);
    });

    it('appends submitted for a submit, and failed for each recipient refused at submit', async (test) => {
      if (!kept()) return test.skip('this store keeps no event log (MessageStore.events)');
      const { messageId } = await store().submit(
        makeSubmitRequest({ recipients: [{ to: 'a', provider: 'p1' }, { to: 'smtp:b@example.org', provider: null, state: 'failed' }], submittedAt: 1500 }),
      );
      const events = await all();
      expectIncreasing(events);
      expect(said(events)).toEqual([
        { type: 'submitted', at: 1500, messageId },
        {
          type: 'failed',
          at: 1500,
          messageId,
          recipientIndex: 1,
          recipient: 'smtp:b@example.org',
          provider: null,
          attempts: 0,
          error: { code: 'NO_ROUTE', diagnostic: 'no provider for this address type' },
        },
      ]);
      expect(await log().lastEventId()).toBe(events[1]!.id);
    });

    it('appends the event each result owes, with the attempts after it; a hand-over owes none', async (test) => {
      if (!kept()) return test.skip('this store keeps no event log (MessageStore.events)');
      const { messageId } = await store().submit(
        makeSubmitRequest({ recipients: ['a', 'b', 'c', 'd'].map((to) => ({ to, provider: 'p1' })), submittedAt: 1000 }),
      );
      const [a, b, c, d] = await store().claim({ owner: 's', limit: 4, leaseMs: LEASE_MS, now: 2000 });
      await store().complete({ ...a!, result: { state: 'deferred', nextAttemptAt: 9000, error: BUSY, countAttempt: true }, now: 2100 });
      await store().complete({ ...b!, result: { state: 'failed', error: UNKNOWN }, now: 2200 });
      await store().complete({ ...c!, result: { state: 'expired', error: LATE }, now: 2300 });
      await store().complete({ ...d!, result: { state: 'queued', provider: 'p2' }, now: 2400 });
      const [again] = await store().claim({ owner: 's', limit: 1, leaseMs: LEASE_MS, now: 9000, providers: ['p1'] });
      await store().complete({ ...again!, result: { state: 'delivered' }, now: 9100 });
      const events = await all();
      expectIncreasing(events);
      const recipient = (to: string, index: number) => ({ messageId, recipientIndex: index, recipient: `test:${to}`, provider: 'p1' });
      expect(said(events)).toEqual([
        { type: 'submitted', at: 1000, messageId },
        { type: 'deferred', at: 2100, ...recipient('a', 0), attempts: 1, error: BUSY, nextAttemptAt: 9000 },
        { type: 'failed', at: 2200, ...recipient('b', 1), attempts: 1, error: UNKNOWN },
        { type: 'expired', at: 2300, ...recipient('c', 2), attempts: 0, error: LATE },
        { type: 'delivered', at: 9100, ...recipient('a', 0), attempts: 2 },
      ]);
    });

    it('appends deleted for each recipient an abort settles, none for those already final', async (test) => {
      if (!kept()) return test.skip('this store keeps no event log (MessageStore.events)');
      const { messageId } = await store().submit(makeSubmitRequest({ recipients: [{ to: 'a', provider: 'p1' }, { to: 'b', provider: 'p2' }] }));
      const [claim] = await store().claim({ owner: 's', limit: 1, leaseMs: LEASE_MS, now: 2000, providers: ['p1'] });
      await store().complete({ ...claim!, result: { state: 'delivered' }, now: 2100 });
      await store().abort(messageId, 3000);
      const events = await log().readEvents({ limit: 10, types: ['deleted'] });
      expect(said(events)).toEqual([{ type: 'deleted', at: 3000, messageId, recipientIndex: 1, recipient: 'test:b', provider: 'p2', attempts: 0 }]);
    });

    it('appends received for each inbox entry, under the entry id', async (test) => {
      if (!kept()) return test.skip('this store keeps no event log (MessageStore.events)');
      const entries = await store().receive(makeReceiveRequest({ mailboxes: ['test:ada', 'test:bob'], receivedBy: 'loopback', receivedAt: 4000 }));
      expect(said(await all())).toEqual(entries.map((e) => ({ type: 'received', at: 4000, messageId: e.id, mailbox: e.mailbox, provider: 'loopback' })));
    });

    it('writes no event for a write that is refused or repeated', async (test) => {
      if (!kept()) return test.skip('this store keeps no event log (MessageStore.events)');
      const request = makeSubmitRequest({ recipients: [{ to: 'a', provider: 'p1' }], idempotencyKey: 'k-events' });
      const { messageId } = await store().submit(request);
      const [claim] = await store().claim({ owner: 's', limit: 1, leaseMs: 100, now: 2000 });
      await expectXportError(store().abort(messageId, 2050), 'XPORT_STORE_IN_FLIGHT');
      const [reclaimed] = await store().claim({ owner: 't', limit: 1, leaseMs: 100, now: 2200 });
      await expectXportError(store().complete({ ...claim!, result: { state: 'delivered' }, now: 2300 }), 'XPORT_STORE_STALE_LEASE');
      expect((await store().submit(request)).duplicate).toBe(true);
      await expectXportError(store().abort('no-such-message', 2400), 'XPORT_STORE_NOT_FOUND');
      const receive = makeReceiveRequest({ idempotencyKey: 'r-events' });
      await store().receive(receive);
      await store().receive(receive);
      expect((await all()).map((e) => e.type)).toEqual(['submitted', 'received']);
      await store().complete({ ...reclaimed!, result: { state: 'delivered' }, now: 2500 });
      expect((await all()).map((e) => e.type)).toEqual(['submitted', 'received', 'delivered']);
    });

    it('reads by cursor in pages, and filters by message and type', async (test) => {
      if (!kept()) return test.skip('this store keeps no event log (MessageStore.events)');
      const ids: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const { messageId } = await store().submit(makeSubmitRequest({ recipients: [{ to: 'a', provider: 'p1' }], submittedAt: 1000 + i }));
        ids.push(messageId);
      }
      const claims = await store().claim({ owner: 's', limit: 3, leaseMs: LEASE_MS, now: 2000 });
      for (const claim of claims) await store().complete({ ...claim, result: { state: 'delivered' }, now: 3000 });
      const everything = await all();
      expect(everything).toHaveLength(6);
      expectIncreasing(everything);

      const paged: DeliveryEvent[] = [];
      let after = 0;
      for (;;) {
        const page = await log().readEvents({ after, limit: 4 });
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(4);
        paged.push(...page);
        after = page.at(-1)!.id;
      }
      expect(paged).toEqual(everything);
      expect(await log().readEvents({ after: everything[2]!.id, limit: 2 })).toEqual(everything.slice(3, 5));
      expect(await log().readEvents({ after: everything.at(-1)!.id, limit: 10 })).toEqual([]);

      const timeline = await log().readEvents({ messageId: ids[1]!, limit: 10 });
      expect(timeline.map((e) => [e.type, e.messageId])).toEqual([
        ['submitted', ids[1]],
        ['delivered', ids[1]],
      ]);
      expect((await log().readEvents({ types: ['delivered'], limit: 10 })).map((e) => e.messageId).sort()).toEqual([...ids].sort());
      expect(await log().readEvents({ types: ['submitted', 'delivered'], messageId: ids[0]!, limit: 10 })).toHaveLength(2);
      expect(await log().readEvents({ messageId: ids[1]!, after: timeline[0]!.id, limit: 10 })).toEqual([timeline[1]]);
      expect(await log().readEvents({ messageId: 'no-such-message', limit: 10 })).toEqual([]);
      expect(await log().readEvents({ limit: 0 })).toEqual([]);
    });

    it('purges at most limit events older than a time, oldest first, and never reuses an id', async (test) => {
      if (!kept()) return test.skip('this store keeps no event log (MessageStore.events)');
      for (let i = 0; i < 5; i += 1) await store().submit(makeSubmitRequest({ submittedAt: 1000 + i }));
      const before = await all();
      expect(await log().purgeEvents(1003, 2)).toBe(2);
      expect((await all()).map((e) => e.at)).toEqual([1002, 1003, 1004]);
      expect(await log().purgeEvents(1003, 100)).toBe(1);
      expect(await log().purgeEvents(1003, 100)).toBe(0);
      expect(await log().purgeEvents(10_000, 0)).toBe(0);
      expect(await log().purgeEvents(10_000, 100)).toBe(2);
      expect(await all()).toEqual([]);
      await store().submit(makeSubmitRequest({ submittedAt: 1100 }));
      const [next] = await all();
      expect(next!.id).toBeGreaterThan(before.at(-1)!.id);
      expect(await log().lastEventId()).toBe(next!.id);
    });

    it('purges sent messages in bounded batches, oldest first', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const { messageId } = await store().submit(makeSubmitRequest({ recipients: [{ to: 'x', provider: null, state: 'failed' }], submittedAt: 1000 + i }));
        ids.push(messageId);
      }
      expect(await store().purgeSent(10_000, 2)).toBe(2);
      expect((await store().listSent()).map((m) => m.id)).toEqual([ids[2]]);
      expect(await store().purgeSent(10_000, 2)).toBe(1);
    });
  });
}
