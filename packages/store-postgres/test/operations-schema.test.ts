import { afterEach, describe, expect, it } from 'vitest';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import { POSTGRES_SCHEMA_VERSION, createPostgresStore } from '../src/index.js';
import { TEST_PG_URL, adminQuery, dropSchema, freshSchema } from './test-database.js';
import { downgradeTo } from './schema-downgrades.js';

describe('postgres store schema v5: address type and domain columns for queue filters', () => {
  const schemas: string[] = [];
  afterEach(async () => {
    for (const schema of schemas.splice(0)) await dropSchema(schema);
  });

  it('migrates a version-4 schema: recipients queued before are found by domain (IDNs in ASCII) and address type, and held', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const first = createPostgresStore({ connectionString: TEST_PG_URL, schema });
    await first.open();
    const { messageId } = await first.submit(
      makeSubmitRequest({ recipients: [{ to: 'smtp:ada@Bücher.Example', provider: 'smtp' }, { to: 'smtp:bob@Other.Example', provider: 'smtp' }, { to: 'loopback:ops', provider: 'loop' }] }),
    );
    await first.close();
    await adminQuery(downgradeTo(schema, 4));

    const store = createPostgresStore({ connectionString: TEST_PG_URL, schema });
    await store.open();
    try {
      const ops = store.operations!;
      expect((await ops.listRecipients({ filter: { domains: ['xn--bcher-kva.example'] }, limit: 10 })).entries.map((e) => [e.messageId, e.index])).toEqual([[messageId, 0]]);
      expect((await ops.listRecipients({ filter: { domains: ['other.example'] }, limit: 10 })).entries.map((e) => e.index)).toEqual([1]);
      expect((await ops.listRecipients({ filter: { addressTypes: ['loopback'] }, limit: 10 })).entries.map((e) => e.index)).toEqual([2]);
      expect((await ops.applyOperation({ operation: 'hold', filter: { domains: ['BÜCHER.example'] }, now: 5000, limit: 10 })).changed).toBe(1);
      expect((await store.getMessage(messageId))?.recipients.map((r) => r.state)).toEqual(['held', 'queued', 'queued']);
    } finally {
      await store.close();
    }
    const [version] = await adminQuery<{ value: string }>(`SELECT value FROM "${schema}".meta WHERE key = 'schema_version'`);
    expect(Number(version?.value)).toBe(POSTGRES_SCHEMA_VERSION);
  });
});
