import { afterEach, describe, expect, it } from 'vitest';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import { POSTGRES_SCHEMA_VERSION, createPostgresStore } from '../src/index.js';
import { TEST_PG_URL, adminQuery, dropSchema, freshSchema } from './test-database.js';
import { downgradeTo } from './schema-downgrades.js';

describe('postgres store schema v5: the delivery event log', () => {
  const schemas: string[] = [];
  afterEach(async () => {
    for (const schema of schemas.splice(0)) await dropSchema(schema);
  });

  it('migrates a version-4 schema (no events table), keeping its queue; what happens after is logged', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const first = createPostgresStore({ connectionString: TEST_PG_URL, schema });
    await first.open();
    const { messageId } = await first.submit(makeSubmitRequest({ subject: 'kept by v4', submittedAt: Date.now() }));
    await first.close();
    await adminQuery(downgradeTo(schema, 4));

    const store = createPostgresStore({ connectionString: TEST_PG_URL, schema });
    await store.open();
    try {
      expect((await store.listQueue()).map((m) => [m.id, m.envelope.subject])).toEqual([[messageId, 'kept by v4']]);
      expect(await store.events!.lastEventId()).toBe(0);
      const now = Date.now();
      const [claim] = await store.claim({ owner: 's', limit: 1, leaseMs: 60_000, now });
      await store.complete({ ...claim!, result: { state: 'delivered' }, now: now + 1 });
      const events = await store.events!.readEvents({ limit: 10 });
      expect(events.map((e) => [e.type, e.messageId, e.recipient, e.attempts])).toEqual([['delivered', messageId, 'test:ada', 1]]);
    } finally {
      await store.close();
    }
    const [version] = await adminQuery<{ value: string }>(`SELECT value FROM "${schema}".meta WHERE key = 'schema_version'`);
    expect(Number(version?.value)).toBe(POSTGRES_SCHEMA_VERSION);
    expect(POSTGRES_SCHEMA_VERSION).toBeGreaterThanOrEqual(6);
  });
});
