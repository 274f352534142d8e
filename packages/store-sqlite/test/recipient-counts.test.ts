import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import { queueOperationsOf, type MessageStore, type QueueCounts } from '@xport/provider-sdk';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import { createSqliteStore } from '../src/index.js';
import { makeTempDir } from './temp-store.js';
import { downgradeTo } from './schema-downgrades.js';

/** The counts as a full pass over the recipients computes them (quarantined messages left out): what the kept counts must equal. */
function recount(path: string): QueueCounts['byState'] & Record<string, number> {
  const raw = new BetterSqlite3(path, { readonly: true });
  try {
    const rows = raw
      .prepare('SELECT r.state, count(*) AS n FROM recipients r JOIN messages m ON m.seq = r.message_seq WHERE m.quarantined = 0 GROUP BY r.state')
      .all() as Array<{ state: string; n: number }>;
    const byState = { queued: 0, 'in-flight': 0, deferred: 0, held: 0, delivered: 0, failed: 0, expired: 0, aborted: 0 };
    for (const { state, n } of rows) byState[state as keyof typeof byState] = n;
    return byState;
  } finally {
    raw.close();
  }
}

describe('sqlite store counts kept by triggers (schema v10)', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let store: MessageStore;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await store?.close();
    await temp.cleanup();
  });

  it('fills the counts from the recipients of a version-9 database, and keeps them exact through every write', async () => {
    store = createSqliteStore({ path: temp.dbPath, sentRetentionDays: 0 });
    await store.open();
    await store.submit(makeSubmitRequest({ recipients: [{ to: 'a', provider: 'p1' }, { to: 'b', provider: 'p2' }, { to: 'c', provider: null, state: 'queued' }] }));
    await store.close();
    const raw = new BetterSqlite3(temp.dbPath);
    raw.exec(downgradeTo(9));
    raw.close();

    store = createSqliteStore({ path: temp.dbPath, sentRetentionDays: 0 });
    await store.open();
    const check = async (): Promise<QueueCounts> => {
      const counts = await store.counts();
      expect(counts.byState).toEqual(recount(temp.dbPath));
      return counts;
    };
    expect((await check()).byProvider).toEqual({
      p1: { queued: 1, inFlight: 0, deferred: 0, held: 0 },
      p2: { queued: 1, inFlight: 0, deferred: 0, held: 0 },
      '': { queued: 1, inFlight: 0, deferred: 0, held: 0 },
    });

    const second = await store.submit(makeSubmitRequest({ recipients: [{ to: 'd', provider: 'p1' }, { to: 'e', provider: 'p1' }, { to: 'f', provider: 'p2' }] }));
    await check();
    const claims = await store.claim({ owner: 's', limit: 10, leaseMs: 60_000, now: 2000, providers: ['p1'] });
    expect(claims).toHaveLength(3);
    expect((await check()).byProvider['p1']).toEqual({ queued: 0, inFlight: 3, deferred: 0, held: 0 });
    await store.complete({ ...claims[0]!, result: { state: 'delivered' }, now: 2001 });
    await store.complete({ ...claims[1]!, result: { state: 'deferred', nextAttemptAt: 9000, countAttempt: true, error: { code: 'BUSY', diagnostic: 'try later' } }, now: 2001 });
    await store.complete({ ...claims[2]!, result: { state: 'failed', error: { code: 'NO', diagnostic: 'no such user' } }, now: 2001 });
    expect((await check()).byProvider['p1']).toEqual({ queued: 0, inFlight: 0, deferred: 1, held: 0 });

    const ops = queueOperationsOf(store)!;
    await ops.applyOperation({ operation: 'hold', filter: { providers: ['p2'] }, now: 3000, limit: 10 });
    expect((await check()).byProvider['p2']).toEqual({ queued: 0, inFlight: 0, deferred: 0, held: 2 });
    await ops.applyOperation({ operation: 'release', filter: { providers: ['p2'] }, now: 3001, limit: 10 });
    await ops.applyOperation({ operation: 'delete', filter: { providers: ['p1'] }, now: 3002, limit: 10 });
    await check();

    await store.abort(second.messageId, 4000);
    await check();
    await store.makeDue(['p1', 'p2'], 5000);
    await check();
    // Every message finished is purged with its recipients: their counts go with them.
    const finished = await store.listSent();
    expect(await store.purgeSent(Number.MAX_SAFE_INTEGER)).toBe(finished.length);
    const left = await check();
    const remaining = new BetterSqlite3(temp.dbPath, { readonly: true });
    const stored = (remaining.prepare('SELECT count(*) AS n FROM recipients').get() as { n: number }).n;
    remaining.close();
    expect(Object.values(left.byState).reduce((a, b) => a + b, 0)).toBe(stored);
  });

  it('leaves the recipients of a quarantined message out', async () => {
    store = createSqliteStore({ path: temp.dbPath });
    await store.open();
    await store.submit(makeSubmitRequest({ recipients: [{ to: 'a', provider: 'p1' }] }));
    const bad = await store.submit(makeSubmitRequest({ recipients: [{ to: 'b', provider: 'p1' }, { to: 'c', provider: 'p1' }] }));
    const raw = new BetterSqlite3(temp.dbPath);
    raw.prepare("UPDATE messages SET envelope = '{not json' WHERE id = ?").run(bad.messageId);
    raw.close();
    // Listing the queue finds the corrupt envelope and quarantines its message.
    await store.listQueue();
    expect((await store.quarantined()).map((q) => q.id)).toEqual([bad.messageId]);
    const counts = await store.counts();
    expect(counts.byState).toEqual(recount(temp.dbPath));
    expect(counts.byProvider['p1']).toEqual({ queued: 1, inFlight: 0, deferred: 0, held: 0 });
  });
});
