import { beforeEach, describe, expect, it } from 'vitest';
import type { MessageStore } from '@xport/provider-sdk';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import { createMemoryStore } from '../src/index.js';

// A message is filed once and finishing it only marks it; the queue drops finished messages in
// batches. These check the folders stay right across many such batches.
let store: MessageStore;
beforeEach(async () => {
  store = createMemoryStore();
  await store.open();
});

describe('memory store queue and sent folder', () => {
  it('lists unfinished messages in submit order and finished ones apart, across many finishes', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 300; i += 1) ids.push((await store.submit(makeSubmitRequest({ subject: `m${i}`, submittedAt: 1000 }))).messageId);
    const claims = await store.claim({ owner: 'o', limit: 300, leaseMs: 60_000, now: 1000 });
    // Finish every message but each fifth, in an order unrelated to submit order.
    const finishing = claims.filter((_, i) => i % 5 !== 0).reverse();
    for (const [n, claim] of finishing.entries()) await store.complete({ ...claim, result: { state: 'delivered' }, now: 2000 + n });
    const open = ids.filter((_, i) => i % 5 === 0);
    expect((await store.listQueue()).map((m) => m.id)).toEqual(open);
    expect((await store.listQueue({ offset: 2, limit: 3 })).map((m) => m.id)).toEqual(open.slice(2, 5));
    const sent = await store.listSent();
    expect(sent).toHaveLength(240);
    expect(sent[0]?.id).toBe(finishing.at(-1)!.messageId);
    expect((await store.counts()).byState).toMatchObject({ delivered: 240, 'in-flight': 60 });
    expect(await store.claimStranded({ owner: 'o', limit: 10, leaseMs: 1000, now: 10 ** 12, messageId: finishing[0]!.messageId })).toEqual([]);
    await expect(store.complete({ ...finishing[0]!, result: { state: 'delivered' }, now: 3000 })).rejects.toMatchObject({ code: 'XPORT_STORE_STALE_LEASE' });
    await expect(store.abort(finishing[0]!.messageId, 3000)).rejects.toMatchObject({ code: 'XPORT_STORE_NOT_FOUND', message: expect.stringContaining('already finished') });
    expect((await store.getMessage(finishing[0]!.messageId))?.finishedAt).toBe(2000);
  });

  it('purges finished messages only, and they are gone by id', async () => {
    const { messageId: done } = await store.submit(makeSubmitRequest({ recipients: [{ to: 'test:x', provider: null, state: 'failed' }] }));
    const { messageId: open } = await store.submit(makeSubmitRequest());
    expect(await store.purgeSent(Number.MAX_SAFE_INTEGER)).toBe(1);
    expect(await store.getMessage(done)).toBeUndefined();
    expect((await store.listQueue()).map((m) => m.id)).toEqual([open]);
    expect(await store.listSent()).toEqual([]);
  });
});
