import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import { POSTGRES_SCHEMA_VERSION, createPostgresStore } from '../src/index.js';
import { adminQuery, freshSchema, TEST_PG_URL } from './test-database.js';
import { downgradeTo } from './schema-downgrades.js';

describe('postgres store schema v5: destinations kept per recipient, indexes for a deep queue', () => {
  let schema: string;
  beforeEach(() => {
    schema = freshSchema();
  });
  afterEach(async () => {
    await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  it('migrates a version-4 schema: its recipients (no destination) are never skipped, and counts stay exact', async () => {
    const first = createPostgresStore({ connectionString: TEST_PG_URL, schema, poolSize: 2 });
    await first.open();
    const { messageId } = await first.submit(makeSubmitRequest({ recipients: [{ to: 'a', provider: 'p1' }, { to: 'b', provider: 'p1' }] }));
    await first.close();
    await adminQuery(downgradeTo(schema, 4));

    const store = createPostgresStore({ connectionString: TEST_PG_URL, schema, poolSize: 2 });
    await store.open();
    try {
      const [version] = await adminQuery<{ value: string }>(`SELECT value FROM "${schema}".meta WHERE key = 'schema_version'`);
      expect(Number(version?.value)).toBe(POSTGRES_SCHEMA_VERSION);
      expect(await adminQuery(`SELECT destination FROM "${schema}".recipients ORDER BY idx`)).toEqual([{ destination: null }, { destination: null }]);
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
