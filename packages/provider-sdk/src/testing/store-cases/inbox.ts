import { describe, expect, it } from 'vitest';
import { makeReceiveRequest, readText } from '../store-fixtures.js';
import { expectXportError, type ConformanceContext } from './context.js';

/** The inbox: one entry per mailbox, newest first, read and unread. */
export function inboxCases({ store }: ConformanceContext): void {
  describe('inbox', () => {
    it('writes one entry per mailbox, each readable with its content', async () => {
      const entries = await store().receive(makeReceiveRequest({ mailboxes: ['test:ada', 'test:bob'], receivedBy: 'loopback', text: 'hi both' }));
      expect(entries.map((e) => e.mailbox)).toEqual(['test:ada', 'test:bob']);
      expect(entries[0]?.id).not.toBe(entries[1]?.id);
      const [ada] = await store().listInbox('test:ada');
      expect(ada).toMatchObject({ id: entries[0]?.id, mailbox: 'test:ada', read: false, receivedAt: 1000, receivedBy: 'loopback' });
      expect(ada?.envelope.subject).toBe('inbound');
      expect(ada?.size).toBe(Buffer.byteLength('hi both'));
      expect(await readText(store().openPart(ada!.parts[0]!.partId))).toBe('hi both');
      const bob = await store().getInboxEntry(entries[1]!.id);
      expect(bob?.mailbox).toBe('test:bob');
      expect(await readText(store().openPart(bob!.parts[0]!.partId))).toBe('hi both');
      expect(await store().listInbox('test:carol')).toEqual([]);
      expect(await store().getInboxEntry('no-such-entry')).toBeUndefined();
    });

    it('lists newest first, with limit and offset', async () => {
      const at = [3000, 1000, 2000];
      const ids = new Map<number, string>();
      for (const receivedAt of at) ids.set(receivedAt, (await store().receive(makeReceiveRequest({ receivedAt })))[0]!.id);
      expect((await store().listInbox('test:ada')).map((e) => e.receivedAt)).toEqual([3000, 2000, 1000]);
      expect((await store().listInbox('test:ada', { limit: 1, offset: 1 })).map((e) => e.id)).toEqual([ids.get(2000)]);
    });

    it('marks entries read and unread, per mailbox', async () => {
      const [ada, bob] = await store().receive(makeReceiveRequest({ mailboxes: ['test:ada', 'test:bob'] }));
      await store().markRead(ada!.id, true);
      expect((await store().getInboxEntry(ada!.id))?.read).toBe(true);
      expect(await store().listInbox('test:ada', { unreadOnly: true })).toEqual([]);
      expect((await store().listInbox('test:bob', { unreadOnly: true })).map((e) => e.id)).toEqual([bob!.id]);
      await store().markRead(ada!.id, false);
      expect((await store().listInbox('test:ada', { unreadOnly: true })).map((e) => e.id)).toEqual([ada!.id]);
      await expectXportError(store().markRead('no-such-entry', true), 'XPORT_STORE_NOT_FOUND');
    });
  });
}
