import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDueInBatches, type MessageStore } from '@xport/provider-sdk';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import { createSqliteStore } from '../src/index.js';
import { makeTempDir } from './temp-store.js';

const LEASE_MS = 60_000;

/** How many recipients of `provider` another connection sees due at `now` (committed writes only). */
async function dueSeenBy(store: MessageStore, provider: string, now: number): Promise<number> {
  const queue = await store.listQueue({ limit: 1000 });
  return queue.flatMap((m) => m.recipients).filter((r) => r.provider === provider && r.nextAttemptAt === now).length;
}

describe('sqlite makeDue over a deep queue', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('commits N deferred recipients in ceil(N/k) batches, and a second store on the file submits between them', async () => {
    const daemon = createSqliteStore({ path: temp.dbPath });
    const other = createSqliteStore({ path: temp.dbPath });
    await daemon.open();
    await other.open();
    try {
      const n = 23;
      const k = 5;
      // Messages of two recipients (the last of one) so a batch boundary falls inside a message.
      for (let i = 0; i < n; i += 2) {
        const recipients = [{ to: `a${i}`, provider: 'smtp' }, ...(i + 1 < n ? [{ to: `b${i}`, provider: 'smtp' }] : [])];
        await daemon.submit(makeSubmitRequest({ subject: `m${i}`, recipients }));
      }
      const claims = await daemon.claim({ owner: 'daemon', limit: 100, leaseMs: LEASE_MS, now: 2000 });
      expect(claims).toHaveLength(n);
      for (const claim of claims) {
        await daemon.complete({ ...claim, result: { state: 'deferred', nextAttemptAt: 10_000_000, countAttempt: false }, now: 2001 });
      }

      const batches: number[] = [];
      const seen: number[] = [];
      const submitted: string[] = [];
      const counted = {
        makeDue: async (providers: readonly string[], now: number, limit?: number): Promise<number> => {
          const moved = await daemon.makeDue(providers, now, limit);
          batches.push(moved);
          // Between batches: the other connection sees this batch committed, and its submit goes through.
          seen.push(await dueSeenBy(other, 'smtp', now));
          submitted.push((await other.submit(makeSubmitRequest({ subject: `between ${batches.length}`, recipients: [{ to: 'x', provider: 'api' }] }))).messageId);
          return moved;
        },
      };
      expect(await makeDueInBatches(counted, ['smtp'], 3000, k)).toBe(n);

      expect(batches).toEqual([5, 5, 5, 5, 3]);
      expect(batches).toHaveLength(Math.ceil(n / k));
      expect(seen).toEqual([5, 10, 15, 20, 23]);
      expect(submitted).toHaveLength(batches.length);
      for (const id of submitted) expect((await daemon.getMessage(id))?.recipients[0]?.state).toBe('queued');
      const due = await daemon.claim({ owner: 'daemon', limit: 100, leaseMs: LEASE_MS, now: 3000, providers: ['smtp'] });
      expect(due).toHaveLength(n);
    } finally {
      await other.close();
      await daemon.close();
    }
  });
});
