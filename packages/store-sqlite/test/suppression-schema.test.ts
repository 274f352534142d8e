import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import { SQLITE_SCHEMA_VERSION, createSqliteStore } from '../src/index.js';
import { makeTempDir } from './temp-store.js';
import { downgradeTo } from './schema-downgrades.js';

describe('sqlite store schema v5: the suppression list', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('migrates a version-4 database (no suppressions table), keeping its queue, and keeps a suppression list after', async () => {
    const first = createSqliteStore({ path: temp.dbPath });
    await first.open();
    const { messageId } = await first.submit(makeSubmitRequest({ subject: 'kept by v4' }));
    await first.close();
    const raw = new BetterSqlite3(temp.dbPath);
    raw.exec(downgradeTo(4));
    raw.close();

    const store = createSqliteStore({ path: temp.dbPath });
    await store.open();
    try {
      expect((await store.listQueue()).map((m) => [m.id, m.envelope.subject])).toEqual([[messageId, 'kept by v4']]);
      const entry = await store.suppression!.recordHardBounce({ address: 'smtp:ada@example.org', at: 1000, error: { code: '5.1.1', diagnostic: 'user unknown' }, countSince: 0 });
      expect(entry).toMatchObject({ address: 'smtp:ada@example.org', hardBounces: 1, lastBounceAt: 1000 });
      expect(await store.suppression!.findSuppressions(['smtp:ada@example.org'])).toEqual([entry]);
    } finally {
      await store.close();
    }
    const check = new BetterSqlite3(temp.dbPath, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    expect(SQLITE_SCHEMA_VERSION).toBeGreaterThanOrEqual(5);
    check.close();
  });
});
