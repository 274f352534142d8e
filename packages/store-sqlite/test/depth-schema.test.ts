import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import { SQLITE_SCHEMA_VERSION, createSqliteStore } from '../src/index.js';
import { makeTempDir } from './temp-store.js';
import { downgradeTo } from './schema-downgrades.js';

describe('sqlite store schema v6: destinations kept per recipient, indexes for a deep queue', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('migrates a version-5 database: its recipients (no destination) are never skipped, and counts stay exact', async () => {
    const first = createSqliteStore({ path: temp.dbPath });
    await first.open();
    const { messageId } = await first.submit(makeSubmitRequest({ recipients: [{ to: 'a', provider: 'p1' }, { to: 'b', provider: 'p1' }] }));
    await first.close();
    const raw = new BetterSqlite3(temp.dbPath);
    raw.exec(downgradeTo(5));
    raw.close();

    const store = createSqliteStore({ path: temp.dbPath });
    await store.open();
    try {
      const check = new BetterSqlite3(temp.dbPath, { readonly: true });
      expect(check.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
      expect(check.prepare('SELECT destination FROM recipients ORDER BY idx').all()).toEqual([{ destination: null }, { destination: null }]);
      check.close();
      const fresh = await store.submit(makeSubmitRequest({ recipients: [{ to: 'c', provider: 'p1' }] }));
      expect((await store.counts()).byState.queued).toBe(3);
      // A destination named `test` (the address type) is skipped for the new recipient only: the old ones have none.
      const claims = await store.claim({ owner: 's', limit: 10, leaseMs: 60_000, now: 2000, skipDestinations: ['test'] });
      expect(claims.map((c) => [c.messageId, c.recipientIndex])).toEqual([
        [messageId, 0],
        [messageId, 1],
      ]);
      await store.complete({ ...claims[0]!, result: { state: 'delivered' }, now: 2001 });
      const counts = await store.counts();
      expect(counts.byState).toMatchObject({ queued: 1, 'in-flight': 1, delivered: 1 });
      expect(counts.byProvider['p1']).toEqual({ queued: 1, inFlight: 1, deferred: 0, held: 0 });
      expect((await store.claim({ owner: 's', limit: 10, leaseMs: 60_000, now: 2000 })).map((c) => c.messageId)).toEqual([fresh.messageId]);
    } finally {
      await store.close();
    }
  });
});
