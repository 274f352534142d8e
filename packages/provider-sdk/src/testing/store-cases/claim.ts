import { describe, expect, it } from 'vitest';
import { makeSubmitRequest } from '../store-fixtures.js';
import { LEASE_MS, type ConformanceContext } from './context.js';

/** Submit, claim and complete; who gets claimed, in which order, under which provider. */
export function claimCases({ store }: ConformanceContext): void {
  describe('submit, claim, complete', () => {
    it('stores a submitted message in the queue with queued recipients and their providers', async () => {
      const { messageId, duplicate } = await store().submit(
        makeSubmitRequest({ recipients: [{ to: 'test:ada', provider: 'p1' }, { to: 'fax:+331', provider: 'p2', role: 'cc' }] }),
      );
      expect(duplicate).toBe(false);
      const message = await store().getMessage(messageId);
      expect(message?.id).toBe(messageId);
      expect(message?.envelope.subject).toBe('conformance');
      expect(message?.submittedAt).toBe(1000);
      expect(message?.finishedAt).toBeUndefined();
      expect(message?.recipients.map((r) => [r.index, r.recipient.address, r.role, r.provider, r.state, r.attempts])).toEqual([
        [0, 'ada', 'to', 'p1', 'queued', 0],
        [1, '+331', 'cc', 'p2', 'queued', 0],
      ]);
      expect((await store().listQueue()).map((m) => m.id)).toEqual([messageId]);
      expect(await store().getMessage('no-such-message')).toBeUndefined();
    });

    it('claims due recipients in submit order, marks them in flight with unique leases, and completes them', async () => {
      const first = await store().submit(makeSubmitRequest({ recipients: [{ to: 'a', provider: 'p1' }, { to: 'b', provider: 'p1' }] }));
      const second = await store().submit(makeSubmitRequest({ recipients: [{ to: 'c', provider: 'p1' }] }));
      const claims = await store().claim({ owner: 'spooler-1', limit: 10, leaseMs: LEASE_MS, now: 2000 });
      expect(claims.map((c) => [c.messageId, c.recipientIndex, c.recipient.address, c.provider, c.attempts])).toEqual([
        [first.messageId, 0, 'a', 'p1', 0],
        [first.messageId, 1, 'b', 'p1', 0],
        [second.messageId, 0, 'c', 'p1', 0],
      ]);
      expect(new Set(claims.map((c) => c.leaseId)).size).toBe(3);
      expect(claims.every((c) => c.leaseExpiresAt === 2000 + LEASE_MS)).toBe(true);
      const inFlight = await store().getMessage(first.messageId);
      expect(inFlight?.recipients.map((r) => r.state)).toEqual(['in-flight', 'in-flight']);
      expect(await store().claim({ owner: 'spooler-2', limit: 10, leaseMs: LEASE_MS, now: 2000 })).toEqual([]);

      const claim = claims[2]!;
      const receipt = await store().complete({ ...claim, result: { state: 'delivered' }, now: 2100 });
      expect(receipt.messageFinished).toBe(true);
      const done = await store().getMessage(second.messageId);
      expect(done?.recipients[0]?.state).toBe('delivered');
      expect(done?.recipients[0]?.attempts).toBe(1);
      expect(done?.finishedAt).toBe(2100);
    });

    it('honours the limit and does not claim recipients that are not due yet', async () => {
      await store().submit(makeSubmitRequest({ submittedAt: 1000 }));
      await store().submit(makeSubmitRequest({ submittedAt: 1000 }));
      await store().submit(makeSubmitRequest({ submittedAt: 5000 }));
      expect(await store().claim({ owner: 's', limit: 0, leaseMs: LEASE_MS, now: 2000 })).toEqual([]);
      expect(await store().claim({ owner: 's', limit: 1, leaseMs: LEASE_MS, now: 2000 })).toHaveLength(1);
      expect(await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 2000 })).toHaveLength(1);
      expect(await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 5000 })).toHaveLength(1);
    });

    it('claims only recipients of the providers asked for', async () => {
      const { messageId } = await store().submit(
        makeSubmitRequest({ recipients: [{ to: 'a', provider: 'p1' }, { to: 'b', provider: 'p2' }, { to: 'c', provider: 'p3' }] }),
      );
      const claims = await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 2000, providers: ['p2', 'p3'] });
      expect(claims.map((c) => [c.messageId, c.recipientIndex, c.provider])).toEqual([
        [messageId, 1, 'p2'],
        [messageId, 2, 'p3'],
      ]);
      expect(await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 2000, providers: [] })).toEqual([]);
      expect((await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 2000 })).map((c) => c.provider)).toEqual(['p1']);
    });

    it('hands a recipient over to another provider (not-me) without counting an attempt', async () => {
      const { messageId } = await store().submit(makeSubmitRequest({ recipients: [{ to: 'a', provider: 'p1' }] }));
      const [claim] = await store().claim({ owner: 's', limit: 1, leaseMs: LEASE_MS, now: 2000, providers: ['p1'] });
      const receipt = await store().complete({ ...claim!, result: { state: 'queued', provider: 'p2' }, now: 2001 });
      expect(receipt.messageFinished).toBe(false);
      const handedOver = await store().getMessage(messageId);
      expect(handedOver?.recipients[0]).toMatchObject({ provider: 'p2', state: 'queued', attempts: 0 });
      expect(await store().claim({ owner: 's', limit: 1, leaseMs: LEASE_MS, now: 2002, providers: ['p1'] })).toEqual([]);
      const [again] = await store().claim({ owner: 's', limit: 1, leaseMs: LEASE_MS, now: 2002, providers: ['p2'] });
      expect(again).toMatchObject({ messageId, recipientIndex: 0, provider: 'p2', attempts: 0 });
      expect(again?.leaseId).not.toBe(claim?.leaseId);
    });

    it('never claims a recipient that has no responsible provider', async () => {
      const { messageId } = await store().submit(makeSubmitRequest({ recipients: [{ to: 'a', provider: null }, { to: 'b', provider: 'p1' }] }));
      const claims = await store().claim({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 2000 });
      expect(claims.map((c) => [c.messageId, c.recipientIndex])).toEqual([[messageId, 1]]);
    });
  });
}
