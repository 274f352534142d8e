import { describe, expect, it } from 'vitest';
import type { DeliveryEvent, EventLog } from '../../lifecycle/delivery-events.js';
import { makeSubmitRequest } from '../store-fixtures.js';
import { LEASE_MS, type ConformanceContext } from './context.js';

const USER_UNKNOWN = { code: '5.1.1', diagnostic: '550 5.1.1 user unknown' };

/** The type and recipient of each event of one message after `after`, in log order. */
async function timeline(log: EventLog, messageId: string, after: number): Promise<Array<[string, number | undefined]>> {
  const events: DeliveryEvent[] = await log.readEvents({ after, limit: 1000, messageId });
  return events.map((e) => [e.type, e.recipientIndex]);
}

/**
 * The events an operator's change and a late bounce owe (`held`, `released`, `deleted`, `bounced`),
 * written in the same transaction as the change, for stores that keep an event log beside queue
 * operations or bounce correlation.
 */
export function operationEventCases({ store }: ConformanceContext): void {
  describe('delivery events of queue operations and late bounces', () => {
    it('writes held, released and deleted for each recipient an operation changes, and nothing for retry', async (test) => {
      const { events, operations } = store();
      if (events === undefined || operations === undefined) return test.skip('this store keeps no event log or no queue operations');
      const { messageId } = await store().submit(makeSubmitRequest({ submittedAt: 1000, recipients: [{ to: 'smtp:a@example.org', provider: 'p1' }, { to: 'smtp:b@example.org', provider: 'p1' }] }));
      const start = await events.lastEventId();
      await operations.applyOperation({ operation: 'hold', filter: { messageIds: [messageId] }, now: 2000, limit: 10 });
      await operations.applyOperation({ operation: 'release', filter: { messageIds: [messageId] }, now: 3000, limit: 10 });
      await operations.applyOperation({ operation: 'retry', filter: { messageIds: [messageId] }, now: 3000, limit: 10 });
      await operations.applyOperation({ operation: 'delete', filter: { messageIds: [messageId] }, now: 4000, limit: 10 });
      expect(await timeline(events, messageId, start)).toEqual([
        ['held', 0],
        ['held', 1],
        ['released', 0],
        ['released', 1],
        ['deleted', 0],
        ['deleted', 1],
      ]);
      const [held] = await events.readEvents({ after: start, limit: 1, messageId });
      expect(held).toMatchObject({ type: 'held', at: 2000, messageId, recipientIndex: 0, recipient: 'smtp:a@example.org', provider: 'p1', attempts: 0 });
    });

    it('writes one bounced event, with the bounce, when a late bounce fails a delivered recipient (and none when it changes nothing)', async (test) => {
      const { events, bounces } = store();
      if (events === undefined || bounces === undefined) return test.skip('this store keeps no event log or no bounce correlation');
      const { messageId } = await store().submit(makeSubmitRequest({ submittedAt: 1000, recipients: [{ to: 'smtp:a@example.org', provider: 'p1' }] }));
      const [claim] = await store().claim({ owner: 's', limit: 1, leaseMs: LEASE_MS, now: 1000 });
      await store().complete({ ...claim!, result: { state: 'delivered' }, now: 1001 });
      const start = await events.lastEventId();
      await bounces.failDelivered({ messageId, recipientIndex: 0, error: USER_UNKNOWN, now: 50_000 });
      await bounces.failDelivered({ messageId, recipientIndex: 0, error: USER_UNKNOWN, now: 60_000 });
      const after = await events.readEvents({ after: start, limit: 10, messageId });
      expect(after.map(({ id: _id, ...rest }) => rest)).toEqual([
        { type: 'bounced', at: 50_000, messageId, recipientIndex: 0, recipient: 'smtp:a@example.org', provider: 'p1', attempts: 1, error: USER_UNKNOWN },
      ]);
    });
  });
}
