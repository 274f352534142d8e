import { describe, expect, it } from 'vitest';
import { makeReceiveRequest, makeSubmitRequest } from '../store-fixtures.js';
import type { ConformanceContext } from './context.js';

/** The same idempotency key twice is one message (outbox) or the same entries (inbox). */
export function idempotencyCases({ store }: ConformanceContext): void {
  describe('idempotency', () => {
    it('returns the first message for a repeated submit key and writes nothing new', async () => {
      const first = await store().submit(makeSubmitRequest({ idempotencyKey: 'order-42', subject: 'first' }));
      const again = await store().submit(makeSubmitRequest({ idempotencyKey: 'order-42', subject: 'second' }));
      expect(again).toEqual({ messageId: first.messageId, duplicate: true });
      const other = await store().submit(makeSubmitRequest({ idempotencyKey: 'order-43' }));
      expect(other.duplicate).toBe(false);
      expect(other.messageId).not.toBe(first.messageId);
      const queue = await store().listQueue();
      expect(queue.map((m) => m.id)).toEqual([first.messageId, other.messageId]);
      expect(queue[0]?.envelope.subject).toBe('first');
      expect(queue[0]?.idempotencyKey).toBe('order-42');
    });

    it('makes concurrent submits with one key a single message', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, () => store().submit(makeSubmitRequest({ idempotencyKey: 'burst' }))));
      expect(new Set(results.map((r) => r.messageId)).size).toBe(1);
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      expect(await store().listQueue()).toHaveLength(1);
    });

    it('still knows the key once the message is finished', async () => {
      const first = await store().submit(makeSubmitRequest({ idempotencyKey: 'done', recipients: [{ to: 'x', provider: null, state: 'failed' }] }));
      expect((await store().getMessage(first.messageId))?.finishedAt).toBeDefined();
      expect(await store().submit(makeSubmitRequest({ idempotencyKey: 'done' }))).toEqual({ messageId: first.messageId, duplicate: true });
    });

    it('returns the same inbox entries for a repeated receive key', async () => {
      const request = makeReceiveRequest({ mailboxes: ['test:ada', 'test:bob'], idempotencyKey: 'inbound-7' });
      const first = await store().receive(request);
      const again = await store().receive(request);
      expect(again).toEqual(first);
      expect(await store().listInbox('test:ada')).toHaveLength(1);
      expect(await store().listInbox('test:bob')).toHaveLength(1);
    });
  });
}
