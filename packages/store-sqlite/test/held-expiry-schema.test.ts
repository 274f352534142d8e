import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import { SQLITE_SCHEMA_VERSION, createSqliteStore } from '../src/index.js';
import { makeTempDir } from './temp-store.js';
import { downgradeTo } from './schema-downgrades.js';

const LEASE_MS = 60_000;

describe('sqlite store schema v11: a hold may let its recipients expire', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('migrates a version-10 database: recipients held before never expire while held, and a new hold with expire does', async () => {
    const first = createSqliteStore({ path: temp.dbPath });
    await first.open();
    const old = await first.submit(makeSubmitRequest({ submittedAt: 1000, expiresAt: 5000, recipients: [{ to: 'smtp:a@example.org', provider: 'p1' }, { to: 'smtp:b@example.org', provider: 'p1' }] }));
    await first.operations!.applyOperation({ operation: 'hold', filter: { messageIds: [old.messageId] }, now: 1500, limit: 10 });
    await first.close();
    const raw = new BetterSqlite3(temp.dbPath);
    raw.exec(downgradeTo(10));
    expect(raw.prepare("SELECT name FROM pragma_table_info('recipients') WHERE name = 'expires_while_held'").all()).toEqual([]);
    raw.close();

    const store = createSqliteStore({ path: temp.dbPath });
    await store.open();
    try {
      const check = new BetterSqlite3(temp.dbPath, { readonly: true });
      expect(check.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
      expect(check.prepare('SELECT state, expires_while_held FROM recipients ORDER BY idx').all()).toEqual([
        { state: 'held', expires_while_held: 0 },
        { state: 'held', expires_while_held: 0 },
      ]);
      check.close();
      // Held before the option existed: never swept, however late.
      expect(await store.claimStranded({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 10 ** 9 })).toEqual([]);

      const fresh = await store.submit(makeSubmitRequest({ submittedAt: 2000, expiresAt: 6000, recipients: [{ to: 'smtp:c@example.org', provider: 'p1' }] }));
      await store.operations!.applyOperation({ operation: 'hold', filter: { messageIds: [fresh.messageId] }, now: 2500, limit: 10, expire: true });
      expect((await store.operations!.listRecipients({ filter: { messageIds: [fresh.messageId] }, limit: 10 })).entries.map((e) => e.expiresWhileHeld)).toEqual([true]);
      expect(await store.claimStranded({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 5999 })).toEqual([]);
      const stranded = await store.claimStranded({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 6000 });
      expect(stranded.map((c) => [c.messageId, c.recipientIndex])).toEqual([[fresh.messageId, 0]]);
    } finally {
      await store.close();
    }
  });
});
