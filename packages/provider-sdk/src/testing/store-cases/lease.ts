import { describe, expect, it } from 'vitest';
import { makeSubmitRequest } from '../store-fixtures.js';
import { expectXportError, type ConformanceContext } from './context.js';

/** Leases: a crashed claimer's work comes back; a late completion is refused. */
export function leaseCases({ store }: ConformanceContext): void {
  describe('leases', () => {
    it('re-claims an in-flight recipient once its lease has expired, with a new lease', async () => {
      const { messageId } = await store().submit(makeSubmitRequest());
      const [first] = await store().claim({ owner: 'crashed', limit: 1, leaseMs: 100, now: 2000 });
      expect(first?.leaseExpiresAt).toBe(2100);
      expect(await store().claim({ owner: 'other', limit: 1, leaseMs: 100, now: 2099 })).toEqual([]);
      const [second] = await store().claim({ owner: 'other', limit: 1, leaseMs: 100, now: 2100 });
      expect(second).toMatchObject({ messageId, recipientIndex: 0, attempts: 0, leaseExpiresAt: 2200 });
      expect(second?.leaseId).not.toBe(first?.leaseId);
    });

    it('refuses a completion whose lease expired and was re-leased, naming message and recipient', async () => {
      const { messageId } = await store().submit(makeSubmitRequest());
      const [stale] = await store().claim({ owner: 'slow', limit: 1, leaseMs: 100, now: 2000 });
      const [fresh] = await store().claim({ owner: 'other', limit: 1, leaseMs: 100, now: 3000 });
      const error = await expectXportError(store().complete({ ...stale!, result: { state: 'delivered' }, now: 3001 }), 'XPORT_STORE_STALE_LEASE');
      expect(error.message).toContain(messageId);
      expect(error.message).toMatch(/#?0\b/);
      expect((await store().getMessage(messageId))?.recipients[0]?.state).toBe('in-flight');
      const receipt = await store().complete({ ...fresh!, result: { state: 'delivered' }, now: 3002 });
      expect(receipt.messageFinished).toBe(true);
    });

    it('refuses a second completion of the same lease', async () => {
      await store().submit(makeSubmitRequest({ recipients: [{ to: 'a', provider: 'p1' }, { to: 'b', provider: 'p1' }] }));
      const [claim] = await store().claim({ owner: 's', limit: 1, leaseMs: 100, now: 2000 });
      await store().complete({ ...claim!, result: { state: 'deferred', nextAttemptAt: 9000, countAttempt: true }, now: 2001 });
      await expectXportError(store().complete({ ...claim!, result: { state: 'delivered' }, now: 2002 }), 'XPORT_STORE_STALE_LEASE');
    });

    it('accepts a completion after the lease expired as long as nobody re-leased it', async () => {
      const { messageId } = await store().submit(makeSubmitRequest());
      const [claim] = await store().claim({ owner: 's', limit: 1, leaseMs: 100, now: 2000 });
      const receipt = await store().complete({ ...claim!, result: { state: 'delivered' }, now: 5000 });
      expect(receipt.messageFinished).toBe(true);
      expect((await store().getMessage(messageId))?.finishedAt).toBe(5000);
    });

    it('refuses a completion for a message it does not know', async () => {
      await expectXportError(
        store().complete({ leaseId: 'nope', messageId: 'no-such-message', recipientIndex: 0, result: { state: 'delivered' } }),
        'XPORT_STORE_NOT_FOUND',
      );
    });
  });
}
