import { beforeEach, describe, expect, it } from 'vitest';
import type { MessageStore } from '@xport/provider-sdk';
import { makeReceiveRequest, makeSubmitRequest } from '@xport/provider-sdk/testing';
import { createMemoryStore } from '../src/index.js';

// Parts, leases and inbox entries get ids the store makes itself (a random prefix and a counter),
// and parts and entries are found by reading the counter back: these pin down what that must keep.
let store: MessageStore;
beforeEach(async () => {
  store = createMemoryStore();
  await store.open();
});

describe('memory store ids', () => {
  it('gives content parts and leases short ids, unique within the store and unknown to another', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 50; i += 1) {
      const { messageId } = await store.submit(makeSubmitRequest({ parts: [{ kind: 'text', contentType: 'text/plain', content: `m${i}` }] }));
      for (const part of (await store.getMessage(messageId))!.parts) ids.add(part.partId);
    }
    const claims = await store.claim({ owner: 'o', limit: 100, leaseMs: 1000, now: 1000 });
    for (const claim of claims) ids.add(claim.leaseId);
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id.length).toBeLessThan(13);
    const other = createMemoryStore();
    await other.open();
    const { messageId } = await other.submit(makeSubmitRequest());
    expect(ids.has((await other.getMessage(messageId))!.parts[0]!.partId)).toBe(false);
  });

  it('finds an inbox entry by its id only, and no entry by an id it did not give', async () => {
    const received = [];
    for (let i = 0; i < 40; i += 1) received.push(...(await store.receive(makeReceiveRequest({ mailboxes: ['test:ada', 'test:bob'], receivedAt: 1000 + i }))));
    expect(new Set(received.map((e) => e.id)).size).toBe(80);
    for (const { id, mailbox } of received) expect(await store.getInboxEntry(id)).toMatchObject({ id, mailbox });
    const id = received[37]!.id;
    const other = createMemoryStore();
    await other.open();
    const [foreign] = await other.receive(makeReceiveRequest());
    // An entry id is an eight-character prefix and the entry's number in base 36 (38: "12").
    const [prefix, counter] = [id.slice(0, 8), id.slice(8)];
    expect(counter).toBe('12');
    for (const forged of [foreign!.id, `${id}0`, `${prefix}0${counter}`, `${prefix}zz`, `${prefix}-1`, `${prefix}1Z`, prefix, '', 'no-such-entry']) {
      expect(await store.getInboxEntry(forged)).toBeUndefined();
      await expect(store.markRead(forged, true)).rejects.toMatchObject({ code: 'XPORT_STORE_NOT_FOUND' });
    }
    await store.markRead(id, true);
    expect((await store.listInbox(received[37]!.mailbox, { unreadOnly: true })).map((e) => e.id)).not.toContain(id);
    expect((await store.listInbox('test:ada')).map((e) => e.receivedAt)).toEqual(Array.from({ length: 40 }, (_, i) => 1039 - i));
  });
});
