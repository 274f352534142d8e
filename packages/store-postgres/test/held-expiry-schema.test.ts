import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import { POSTGRES_SCHEMA_VERSION, createPostgresStore } from '../src/index.js';
import { adminQuery, freshSchema, TEST_PG_URL } from './test-database.js';
import { downgradeTo } from './schema-downgrades.js';

const LEASE_MS = 60_000;

describe('postgres store schema v10: a hold may let its recipients expire', () => {
  let schema: string;
  beforeEach(() => {
    schema = freshSchema();
  });
  afterEach(async () => {
    await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  it('migrates a version-9 schema: recipients held before never expire while held, and a new hold with expire does', async () => {
    const first = createPostgresStore({ connectionString: TEST_PG_URL, schema, poolSize: 2 });
    await first.open();
    const old = await first.submit(makeSubmitRequest({ submittedAt: 1000, expiresAt: 5000, recipients: [{ to: 'smtp:a@example.org', provider: 'p1' }, { to: 'smtp:b@example.org', provider: 'p1' }] }));
    await first.operations!.applyOperation({ operation: 'hold', filter: { messageIds: [old.messageId] }, now: 1500, limit: 10 });
    await first.close();
    await adminQuery(downgradeTo(schema, 9));
    expect(await adminQuery(`SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'recipients' AND column_name = 'expires_while_held'`, [schema])).toEqual([]);

    const store = createPostgresStore({ connectionString: TEST_PG_URL, schema, poolSize: 2 });
    await store.open();
    try {
      const [version] = await adminQuery<{ value: string }>(`SELECT value FROM "${schema}".meta WHERE key = 'schema_version'`);
      expect(Number(version?.value)).toBe(POSTGRES_SCHEMA_VERSION);
      expect(await adminQuery(`SELECT state, expires_while_held FROM "${schema}".recipients ORDER BY idx`)).toEqual([
        { state: 'held', expires_while_held: false },
        { state: 'held', expires_while_held: false },
      ]);
      // Held before the option existed: never swept, however late.
      expect(await store.claimStranded({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 10 ** 9 })).toEqual([]);

      const fresh = await store.submit(makeSubmitRequest({ submittedAt: 2000, expiresAt: 6000, recipients: [{ to: 'smtp:c@example.org', provider: 'p1' }] }));
      await store.operations!.applyOperation({ operation: 'hold', filter: { messageIds: [fresh.messageId] }, now: 2500, limit: 10, expire: true });
      expect(await adminQuery(`SELECT expires_while_held FROM "${schema}".recipients r JOIN "${schema}".messages m ON m.seq = r.message_seq WHERE m.id = $1`, [fresh.messageId])).toEqual([
        { expires_while_held: true },
      ]);
      expect(await store.claimStranded({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 5999 })).toEqual([]);
      const stranded = await store.claimStranded({ owner: 's', limit: 10, leaseMs: LEASE_MS, now: 6000 });
      expect(stranded.map((c) => [c.messageId, c.recipientIndex])).toEqual([[fresh.messageId, 0]]);
    } finally {
      await store.close();
    }
  });
});
