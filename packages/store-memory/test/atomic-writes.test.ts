import { beforeEach, describe, expect, it } from 'vitest';
import type { MessageStore } from '@xport/provider-sdk';
import { makeReceiveRequest, makeSubmitRequest } from '@xport/provider-sdk/testing';
import { createMemoryStore } from '../src/index.js';

let store: MessageStore;
beforeEach(async () => {
  store = createMemoryStore();
  await store.open();
});

describe('memory store writes of in-memory content', () => {
  it('applies a submit of strings and bytes within the call, without waiting for a later turn', async () => {
    const submitting = store.submit(makeSubmitRequest({ idempotencyKey: 'k' }));
    // Issued before the submit settles: its body has already run to the end.
    const queue = store.listQueue();
    const duplicate = store.submit(makeSubmitRequest({ idempotencyKey: 'k' }));
    const { messageId } = await submitting;
    expect((await queue).map((m) => m.id)).toEqual([messageId]);
    expect(await duplicate).toEqual({ messageId, duplicate: true });
  });

  it('applies a receive of in-memory content within the call too', async () => {
    const receiving = store.receive(makeReceiveRequest({ mailboxes: ['test:ada'] }));
    const listed = store.listInbox('test:ada');
    const [entry] = await receiving;
    expect((await listed).map((e) => e.id)).toEqual([entry!.id]);
  });

  it('still keeps one message when two submits with one key race while their content streams in', async () => {
    async function* slow(): AsyncIterable<Uint8Array> {
      await new Promise((resolve) => setTimeout(resolve, 5));
      yield Buffer.from('streamed');
    }
    const streamed = { kind: 'attachment' as const, contentType: 'application/octet-stream', content: slow() };
    const [a, b] = await Promise.all([
      store.submit(makeSubmitRequest({ idempotencyKey: 'race', parts: [streamed] })),
      store.submit(makeSubmitRequest({ idempotencyKey: 'race', parts: [{ ...streamed, content: slow() }] })),
    ]);
    expect(a.messageId).toBe(b.messageId);
    expect([a.duplicate, b.duplicate].sort()).toEqual([false, true]);
    expect(await store.listQueue()).toHaveLength(1);
  });
});
