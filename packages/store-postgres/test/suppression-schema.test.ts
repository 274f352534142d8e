import { afterEach, describe, expect, it } from 'vitest';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import { POSTGRES_SCHEMA_VERSION, createPostgresStore } from '../src/index.js';
import { TEST_PG_URL, adminQuery, dropSchema, freshSchema } from './test-database.js';
import { downgradeTo } from './schema-downgrades.js';

describe('postgres store schema v4: the suppression list', () => {
  const schemas: string[] = [];
  afterEach(async () => {
    for (const schema of schemas.splice(0)) await dropSchema(schema);
  });

  it('migrates a version-3 schema (no suppressions table), keeping its queue, and keeps a suppression list after', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const first = createPostgresStore({ connectionString: TEST_PG_URL, schema });
    await first.open();
    const { messageId } = await first.submit(makeSubmitRequest({ subject: 'kept by v3' }));
    await first.close();
    await adminQuery(downgradeTo(schema, 3));

    const store = createPostgresStore({ connectionString: TEST_PG_URL, schema });
    await store.open();
    try {
      expect((await store.listQueue()).map((m) => [m.id, m.envelope.subject])).toEqual([[messageId, 'kept by v3']]);
      const bounce = { address: 'smtp:ada@example.org', error: { code: '5.1.1', diagnostic: 'user unknown' } };
      await store.suppression!.recordHardBounce({ ...bounce, at: 1000, countSince: 0 });
      const second = await store.suppression!.recordHardBounce({ ...bounce, at: 2000, countSince: 500 });
      expect(second).toMatchObject({ address: 'smtp:ada@example.org', hardBounces: 2, lastBounceAt: 2000, manual: false });
      expect(await store.suppression!.findSuppressions(['smtp:ada@example.org', 'smtp:bob@example.org'])).toEqual([second]);
    } finally {
      await store.close();
    }
    const [version] = await adminQuery<{ value: string }>(`SELECT value FROM "${schema}".meta WHERE key = 'schema_version'`);
    expect(Number(version?.value)).toBe(POSTGRES_SCHEMA_VERSION);
    expect(POSTGRES_SCHEMA_VERSION).toBeGreaterThanOrEqual(4);
  });
});
