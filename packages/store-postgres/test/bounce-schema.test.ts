import { afterEach, describe, expect, it } from 'vitest';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import { POSTGRES_SCHEMA_VERSION, createPostgresStore } from '../src/index.js';
import { TEST_PG_URL, adminQuery, dropSchema, freshSchema } from './test-database.js';
import { downgradeTo } from './schema-downgrades.js';

describe('postgres store schema v5: bounce keys indexed', () => {
  const schemas: string[] = [];
  afterEach(async () => {
    for (const schema of schemas.splice(0)) await dropSchema(schema);
  });

  it('migrates a version-4 schema, finding the messages it kept by ENVID and Message-ID, through the new indexes', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const first = createPostgresStore({ connectionString: TEST_PG_URL, schema });
    await first.open();
    const request = makeSubmitRequest({ subject: 'kept by v4' });
    const { messageId: keyed } = await first.submit({ ...request, envelope: { ...request.envelope, messageId: '<v4@example.org>', dsn: { envelopeId: 'env-v4' } } });
    await first.close();
    await adminQuery(downgradeTo(schema, 4));

    const store = createPostgresStore({ connectionString: TEST_PG_URL, schema });
    await store.open();
    try {
      expect(await store.bounces!.findMessagesByKey({ envelopeId: 'env-v4' }, 5)).toEqual([keyed]);
      expect(await store.bounces!.findMessagesByKey({ messageId: '<v4@example.org>' }, 5)).toEqual([keyed]);
      expect(await store.bounces!.findMessagesByKey({ messageId: 'env-v4' }, 5)).toEqual([]);
    } finally {
      await store.close();
    }
    const [version] = await adminQuery<{ value: string }>(`SELECT value FROM "${schema}".meta WHERE key = 'schema_version'`);
    expect(Number(version?.value)).toBe(POSTGRES_SCHEMA_VERSION);
    const indexes = await adminQuery<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname`, [schema]);
    expect(indexes.map((i) => i.indexname)).toEqual(expect.arrayContaining(['messages_by_envelope_id', 'messages_by_header_message_id', 'suppressions_by_last_bounce']));
  });
});
