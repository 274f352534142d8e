import { describe, expect, it } from 'vitest';
import type { ContentPartInput } from '../../message.js';
import { generateBytes, hashStream, makeReceiveRequest, makeSubmitRequest } from '../store-fixtures.js';
import { expectXportError, type ConformanceContext } from './context.js';

/** An attachment streamed from `generateBytes`; `reads()` says how many times a reader started on it. */
function streamedAttachment(seed: number, total = 600 * 1024): { part: ContentPartInput; reads: () => number; digest: () => string } {
  const source = generateBytes(total, 64 * 1024, seed);
  let reads = 0;
  const content: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]() {
      reads += 1;
      return source[Symbol.asyncIterator]();
    },
  };
  return { part: { kind: 'attachment', contentType: 'application/octet-stream', filename: 'data.bin', content }, reads: () => reads, digest: () => source.digest() };
}

const textPart = (text: string): ContentPartInput => ({ kind: 'text', contentType: 'text/plain; charset=utf-8', content: text });

/**
 * The same idempotency key twice is one message (outbox) or the same entries (inbox). On submit the
 * key is bound to the content's fingerprint: a retry of the same content is a duplicate, other content
 * under the key is `XPORT_IDEMPOTENCY_CONFLICT` and writes nothing.
 */
export function idempotencyCases({ store }: ConformanceContext): void {
  describe('idempotency', () => {
    it('returns the first message for a repeated submit key with the same content and writes nothing new', async () => {
      const first = await store().submit(makeSubmitRequest({ idempotencyKey: 'order-42', subject: 'first' }));
      // Submit time and expiry are not content: a retry comes later.
      const again = await store().submit(makeSubmitRequest({ idempotencyKey: 'order-42', subject: 'first', submittedAt: 5000 }));
      expect(again).toEqual({ messageId: first.messageId, duplicate: true });
      const other = await store().submit(makeSubmitRequest({ idempotencyKey: 'order-43' }));
      expect(other.duplicate).toBe(false);
      expect(other.messageId).not.toBe(first.messageId);
      const queue = await store().listQueue();
      expect(queue.map((m) => m.id)).toEqual([first.messageId, other.messageId]);
      expect(queue[0]?.envelope.subject).toBe('first');
      expect(queue[0]?.idempotencyKey).toBe('order-42');
    });

    it('refuses a repeated key with different content with XPORT_IDEMPOTENCY_CONFLICT naming the key and the message, and writes nothing', async () => {
      const first = await store().submit(makeSubmitRequest({ idempotencyKey: 'order-7', subject: 'invoice', text: 'total 10' }));
      const variants = [
        makeSubmitRequest({ idempotencyKey: 'order-7', subject: 'invoice (corrected)', text: 'total 10' }),
        makeSubmitRequest({ idempotencyKey: 'order-7', subject: 'invoice', text: 'total 11' }),
        makeSubmitRequest({ idempotencyKey: 'order-7', subject: 'invoice', text: 'total 10', recipients: [{ to: 'test:bob', provider: 'p1' }] }),
        makeSubmitRequest({ idempotencyKey: 'order-7', subject: 'invoice', text: 'total 10', recipients: [{ to: 'test:ada', provider: 'p1', role: 'cc' }] }),
        makeSubmitRequest({ idempotencyKey: 'order-7', subject: 'invoice', parts: [textPart('total 10'), textPart('')] }),
      ];
      for (const request of variants) {
        const error = await expectXportError(store().submit(request), 'XPORT_IDEMPOTENCY_CONFLICT');
        expect(error.message).toContain('"order-7"');
        expect(error.message).toContain(first.messageId);
        expect(error.details).toMatchObject({ idempotencyKey: 'order-7', messageId: first.messageId });
      }
      const queue = await store().listQueue();
      expect(queue.map((m) => m.id)).toEqual([first.messageId]);
      expect(queue[0]?.envelope.subject).toBe('invoice');
      expect((await store().counts()).byState.queued).toBe(1);
    });

    it('tells a streamed retry from streamed other content, reading each stream once and keeping only the first', async () => {
      const original = streamedAttachment(1);
      const first = await store().submit(makeSubmitRequest({ idempotencyKey: 'upload-1', parts: [textPart('see attached'), original.part] }));
      const retry = streamedAttachment(1);
      expect(await store().submit(makeSubmitRequest({ idempotencyKey: 'upload-1', parts: [textPart('see attached'), retry.part] }))).toEqual({
        messageId: first.messageId,
        duplicate: true,
      });
      const changed = streamedAttachment(2);
      await expectXportError(store().submit(makeSubmitRequest({ idempotencyKey: 'upload-1', parts: [textPart('see attached'), changed.part] })), 'XPORT_IDEMPOTENCY_CONFLICT');
      expect([original.reads(), retry.reads(), changed.reads()]).toEqual([1, 1, 1]);
      const [stored] = await store().listQueue();
      expect(stored?.id).toBe(first.messageId);
      expect(await hashStream(store().openPart(stored!.parts[1]!.partId))).toMatchObject({ sha256: original.digest(), size: 600 * 1024 });
    });

    it('makes concurrent submits with one key a single message', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, () => store().submit(makeSubmitRequest({ idempotencyKey: 'burst' }))));
      expect(new Set(results.map((r) => r.messageId)).size).toBe(1);
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      expect(await store().listQueue()).toHaveLength(1);
    });

    it('keeps one of concurrent submits with one key and different content, and refuses the others as conflicts', async () => {
      const settled = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) =>
          store().submit(makeSubmitRequest({ idempotencyKey: 'contested', subject: `take ${i}`, parts: i % 2 === 0 ? undefined : [streamedAttachment(10 + i, 64 * 1024).part] })),
        ),
      );
      const kept = settled.filter((s) => s.status === 'fulfilled');
      expect(kept).toHaveLength(1);
      expect(kept[0]!.status === 'fulfilled' && kept[0]!.value.duplicate).toBe(false);
      const codes = settled.filter((s) => s.status === 'rejected').map((s) => (s as PromiseRejectedResult).reason?.code);
      expect(codes).toEqual(Array(5).fill('XPORT_IDEMPOTENCY_CONFLICT'));
      expect(await store().listQueue()).toHaveLength(1);
    });

    it('still knows the key and its content once the message is finished', async () => {
      const unroutable = [{ to: 'x', provider: null, state: 'failed' as const }];
      const first = await store().submit(makeSubmitRequest({ idempotencyKey: 'done', recipients: unroutable }));
      expect((await store().getMessage(first.messageId))?.finishedAt).toBeDefined();
      expect(await store().submit(makeSubmitRequest({ idempotencyKey: 'done', recipients: unroutable }))).toEqual({ messageId: first.messageId, duplicate: true });
      await expectXportError(store().submit(makeSubmitRequest({ idempotencyKey: 'done', recipients: unroutable, text: 'other' })), 'XPORT_IDEMPOTENCY_CONFLICT');
    });

    it('treats a key kept without a fingerprint, or a submit without one, as a retry (callers that predate fingerprints)', async () => {
      const legacy = await store().submit(makeSubmitRequest({ idempotencyKey: 'old-key', subject: 'kept before fingerprints', fingerprint: false }));
      expect(await store().submit(makeSubmitRequest({ idempotencyKey: 'old-key', subject: 'anything' }))).toEqual({ messageId: legacy.messageId, duplicate: true });
      const modern = await store().submit(makeSubmitRequest({ idempotencyKey: 'new-key', subject: 'fingerprinted' }));
      expect(await store().submit(makeSubmitRequest({ idempotencyKey: 'new-key', subject: 'unfingerprinted caller', fingerprint: false }))).toEqual({
        messageId: modern.messageId,
        duplicate: true,
      });
      expect(await store().listQueue()).toHaveLength(2);
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
