import { describe, expect, it } from 'vitest';
import { makeSubmitRequest } from '../store-fixtures.js';
import { expectXportError, type ConformanceContext } from './context.js';

/** Aborting a queued message (MAPI's AbortSubmit). */
export function abortCases({ store }: ConformanceContext): void {
  describe('abort', () => {
    it('aborts a queued message: its open recipients become aborted and it moves to sent', async () => {
      const { messageId } = await store().submit(
        makeSubmitRequest({ recipients: [{ to: 'a', provider: 'p1' }, { to: 'b', provider: 'p2' }, { to: 'c', provider: null, state: 'failed' }] }),
      );
      const [claim] = await store().claim({ owner: 's', limit: 1, leaseMs: 100, now: 2000, providers: ['p2'] });
      await store().complete({ ...claim!, result: { state: 'deferred', nextAttemptAt: 9000, countAttempt: true }, now: 2001 });
      await store().abort(messageId, 3000);
      const aborted = await store().getMessage(messageId);
      expect(aborted?.recipients.map((r) => r.state)).toEqual(['aborted', 'aborted', 'failed']);
      expect(aborted?.finishedAt).toBe(3000);
      expect((await store().listSent()).map((m) => m.id)).toEqual([messageId]);
      expect(await store().claim({ owner: 's', limit: 10, leaseMs: 100, now: 10_000 })).toEqual([]);
      await expectXportError(store().abort(messageId, 3001), 'XPORT_STORE_NOT_FOUND');
    });

    it('refuses to abort while a recipient is in flight under a live lease, and allows it once the lease expired', async () => {
      const { messageId } = await store().submit(makeSubmitRequest({ recipients: [{ to: 'a', provider: 'p1' }, { to: 'b', provider: 'p1' }] }));
      const [claim] = await store().claim({ owner: 's', limit: 1, leaseMs: 100, now: 2000 });
      const error = await expectXportError(store().abort(messageId, 2050), 'XPORT_STORE_IN_FLIGHT');
      expect(error.message).toContain(messageId);
      expect((await store().getMessage(messageId))?.recipients.map((r) => r.state)).toEqual(['in-flight', 'queued']);
      await store().abort(messageId, 2100);
      expect((await store().getMessage(messageId))?.recipients.map((r) => r.state)).toEqual(['aborted', 'aborted']);
      await expectXportError(store().complete({ ...claim!, result: { state: 'delivered' }, now: 2200 }), 'XPORT_STORE_STALE_LEASE');
    });

    it('refuses to abort a message it does not know', async () => {
      const error = await expectXportError(store().abort('no-such-message', 1000), 'XPORT_STORE_NOT_FOUND');
      expect(error.message).toContain('no-such-message');
    });
  });
}
