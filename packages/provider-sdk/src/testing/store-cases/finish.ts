import { describe, expect, it } from 'vitest';
import { makeSubmitRequest } from '../store-fixtures.js';
import { LEASE_MS, type ConformanceContext } from './context.js';

/** A message finishes exactly once, when its last recipient becomes final, and moves to sent. */
export function finishCases({ store }: ConformanceContext): void {
  describe('finished messages and sent', () => {
    it('finishes a message exactly once, when its last recipient is final, and moves it to sent', async () => {
      const { messageId } = await store().submit(
        makeSubmitRequest({ recipients: [{ to: 'a', provider: 'p1' }, { to: 'b', provider: 'p1' }, { to: 'c', provider: 'p1' }] }),
      );
      const [a, b, c] = await store().claim({ owner: 's', limit: 3, leaseMs: LEASE_MS, now: 2000 });
      expect((await store().complete({ ...a!, result: { state: 'delivered' }, now: 2100 })).messageFinished).toBe(false);
      const expired = { code: 'EXPIRED', diagnostic: 'not delivered within its lifetime' };
      expect((await store().complete({ ...b!, result: { state: 'expired', error: expired }, now: 2200 })).messageFinished).toBe(false);
      expect((await store().listQueue()).map((m) => m.id)).toEqual([messageId]);
      const failed = { code: 'SMTP_550', diagnostic: 'mailbox unavailable' };
      expect((await store().complete({ ...c!, result: { state: 'failed', error: failed }, now: 2300 })).messageFinished).toBe(true);

      const finished = await store().getMessage(messageId);
      expect(finished?.finishedAt).toBe(2300);
      expect(finished?.recipients.map((r) => r.state)).toEqual(['delivered', 'expired', 'failed']);
      expect(finished?.recipients[1]).toMatchObject({ attempts: 0, lastError: expired });
      expect(await store().listQueue()).toEqual([]);
      expect((await store().listSent()).map((m) => m.id)).toEqual([messageId]);
      expect(await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 1_000_000 })).toEqual([]);
    });

    it('finishes at submit a message whose recipients all failed routing', async () => {
      const { messageId } = await store().submit(makeSubmitRequest({ recipients: [{ to: 'x', provider: null, state: 'failed' }], submittedAt: 1234 }));
      const message = await store().getMessage(messageId);
      expect(message?.finishedAt).toBe(1234);
      expect(message?.recipients[0]).toMatchObject({ state: 'failed', lastError: { code: 'NO_ROUTE' } });
      expect((await store().listSent()).map((m) => m.id)).toEqual([messageId]);
    });

    it('lists sent messages most recently finished first, with limit and offset', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const { messageId } = await store().submit(makeSubmitRequest());
        ids.push(messageId);
        const [claim] = await store().claim({ owner: 's', limit: 1, leaseMs: LEASE_MS, now: 2000 + i });
        await store().complete({ ...claim!, result: { state: 'delivered' }, now: 3000 + i });
      }
      expect((await store().listSent()).map((m) => m.id)).toEqual([ids[2], ids[1], ids[0]]);
      expect((await store().listSent({ limit: 1, offset: 1 })).map((m) => m.id)).toEqual([ids[1]]);
    });

    it('lists the queue in submit order, with limit and offset', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 4; i += 1) ids.push((await store().submit(makeSubmitRequest({ subject: `m${i}` }))).messageId);
      expect((await store().listQueue()).map((m) => m.id)).toEqual(ids);
      expect((await store().listQueue({ limit: 2, offset: 1 })).map((m) => m.id)).toEqual(ids.slice(1, 3));
    });

    it('purges sent messages finished before a time, with their content', async () => {
      const ids: string[] = [];
      for (const finishedAt of [5000, 6000, 7000]) {
        const { messageId } = await store().submit(makeSubmitRequest());
        ids.push(messageId);
        const [claim] = await store().claim({ owner: 's', limit: 1, leaseMs: LEASE_MS, now: 2000 });
        await store().complete({ ...claim!, result: { state: 'delivered' }, now: finishedAt });
      }
      const queued = await store().submit(makeSubmitRequest());
      const oldPart = (await store().getMessage(ids[0]!))!.parts[0]!.partId;
      expect(await store().purgeSent(6000)).toBe(1);
      expect(await store().getMessage(ids[0]!)).toBeUndefined();
      expect((await store().listSent()).map((m) => m.id)).toEqual([ids[2], ids[1]]);
      expect(await store().getMessage(queued.messageId)).toBeDefined();
      const stream = store().openPart(oldPart);
      await expect(new Promise((resolve, reject) => stream.on('error', reject).on('end', resolve).resume())).rejects.toMatchObject({
        code: 'XPORT_STORE_NOT_FOUND',
      });
      expect(await store().purgeSent(100_000)).toBe(2);
      expect(await store().listSent()).toEqual([]);
    });
  });
}
