import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import { SQLITE_SCHEMA_VERSION, createSqliteStore } from '../src/index.js';
import { makeTempDir } from './temp-store.js';
import { downgradeTo } from './schema-downgrades.js';

describe('sqlite store schema v6: the delivery event log', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('migrates a version-5 database (no events table), keeping its queue; what happens after is logged', async () => {
    const first = createSqliteStore({ path: temp.dbPath });
    await first.open();
    const { messageId } = await first.submit(makeSubmitRequest({ subject: 'kept by v5', submittedAt: Date.now() }));
    await first.close();
    const raw = new BetterSqlite3(temp.dbPath);
    raw.exec(downgradeTo(5));
    raw.close();

    const store = createSqliteStore({ path: temp.dbPath });
    await store.open();
    try {
      expect((await store.listQueue()).map((m) => [m.id, m.envelope.subject])).toEqual([[messageId, 'kept by v5']]);
      expect(await store.events!.lastEventId()).toBe(0);
      const now = Date.now();
      const [claim] = await store.claim({ owner: 's', limit: 1, leaseMs: 60_000, now });
      await store.complete({ ...claim!, result: { state: 'delivered' }, now: now + 1 });
      const events = await store.events!.readEvents({ limit: 10 });
      expect(events.map((e) => [e.type, e.messageId, e.recipient, e.attempts])).toEqual([['delivered', messageId, 'test:ada', 1]]);
    } finally {
      await store.close();
    }
    const check = new BetterSqlite3(temp.dbPath, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    expect(SQLITE_SCHEMA_VERSION).toBeGreaterThanOrEqual(7);
    check.close();
  });
});
