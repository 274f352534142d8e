import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import { SQLITE_SCHEMA_VERSION, createSqliteStore } from '../src/index.js';
import { makeTempDir } from './temp-store.js';
import { downgradeTo } from './schema-downgrades.js';

describe('sqlite store schema v6: bounce keys indexed', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('migrates a version-5 database, filling ENVID and Message-ID from the stored envelopes, and finds messages by them after', async () => {
    const first = createSqliteStore({ path: temp.dbPath });
    await first.open();
    const request = makeSubmitRequest({ subject: 'kept by v5' });
    const { messageId: keyed } = await first.submit({ ...request, envelope: { ...request.envelope, messageId: '<v5@example.org>', dsn: { envelopeId: 'env-v5' } } });
    const { messageId: plain } = await first.submit(makeSubmitRequest({ subject: 'no keys' }));
    await first.close();
    const raw = new BetterSqlite3(temp.dbPath);
    raw.exec(downgradeTo(5));
    // A record that does not decode (quarantined, not JSON) must not stop the migration.
    raw.prepare("UPDATE messages SET envelope = '{not json' WHERE id = ?").run(plain);
    raw.close();

    const store = createSqliteStore({ path: temp.dbPath });
    await store.open();
    try {
      expect(await store.bounces!.findMessagesByKey({ envelopeId: 'env-v5' }, 5)).toEqual([keyed]);
      expect(await store.bounces!.findMessagesByKey({ messageId: '<v5@example.org>' }, 5)).toEqual([keyed]);
      const { messageId: fresh } = await store.submit({ ...request, envelope: { ...request.envelope, dsn: { envelopeId: 'env-v5' } } });
      expect(await store.bounces!.findMessagesByKey({ envelopeId: 'env-v5' }, 5)).toEqual([fresh, keyed]);
    } finally {
      await store.close();
    }
    const check = new BetterSqlite3(temp.dbPath, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    const plan = check.prepare("EXPLAIN QUERY PLAN SELECT id FROM messages WHERE envelope_id = 'x' ORDER BY seq DESC LIMIT 5").all() as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join(' ')).toContain('messages_by_envelope_id');
    check.close();
  });
});
