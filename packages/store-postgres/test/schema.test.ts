import { afterEach, describe, expect, it } from 'vitest';
import { XportError } from '@xport/provider-sdk';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import { POSTGRES_SCHEMA_VERSION, createPostgresStore } from '../src/index.js';
import { TEST_PG_URL, adminQuery, dropSchema, freshSchema } from './test-database.js';
import { downgradeTo } from './schema-downgrades.js';

describe('postgres store schema', () => {
  const schemas: string[] = [];
  afterEach(async () => {
    for (const schema of schemas.splice(0)) await dropSchema(schema);
  });

  it('creates and versions the schema on open; several daemons opening at once migrate it once', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const stores = Array.from({ length: 4 }, () => createPostgresStore({ connectionString: TEST_PG_URL, schema, poolSize: 2 }));
    await Promise.all(stores.map((s) => s.open()));
    const [version] = await adminQuery<{ value: string }>(`SELECT value FROM "${schema}".meta WHERE key = 'schema_version'`);
    expect(Number(version?.value)).toBe(POSTGRES_SCHEMA_VERSION);
    const { messageId } = await stores[0]!.submit(makeSubmitRequest());
    expect((await stores[3]!.getMessage(messageId))?.id).toBe(messageId);
    await Promise.all(stores.map((s) => s.close()));
    // Opening again finds nothing to do and keeps the data.
    const again = createPostgresStore({ connectionString: TEST_PG_URL, schema });
    await again.open();
    expect((await again.listQueue()).map((m) => m.id)).toEqual([messageId]);
    await again.close();
  });

  it('migrates a version-1 schema to version 2 (the stranded-sweep indexes) ', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const first = createPostgresStore({ connectionString: TEST_PG_URL, schema });
    await first.open();
    const { messageId } = await first.submit(makeSubmitRequest());
    await first.close();
    await adminQuery(downgradeTo(schema, 1));
    const second = createPostgresStore({ connectionString: TEST_PG_URL, schema });
    await second.open();
    expect((await second.listQueue()).map((m) => m.id)).toEqual([messageId]);
    await second.close();
    const [version] = await adminQuery<{ value: string }>(`SELECT value FROM "${schema}".meta WHERE key = 'schema_version'`);
    expect(Number(version?.value)).toBe(POSTGRES_SCHEMA_VERSION);
    const indexes = await adminQuery<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexname IN ('messages_open_expiry', 'recipients_unrouted') ORDER BY indexname`, [schema]);
    expect(indexes.map((i) => i.indexname)).toEqual(['messages_open_expiry', 'recipients_unrouted']);
  });

  it('migrates a version-2 schema (no fingerprints): its keys still dedupe whatever the content, new keys are bound to their content', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const first = createPostgresStore({ connectionString: TEST_PG_URL, schema });
    await first.open();
    const old = await first.submit(makeSubmitRequest({ idempotencyKey: 'order-1', subject: 'kept by v2', fingerprint: false }));
    await first.close();
    await adminQuery(downgradeTo(schema, 2));
    const store = createPostgresStore({ connectionString: TEST_PG_URL, schema });
    await store.open();
    try {
      const [version] = await adminQuery<{ value: string }>(`SELECT value FROM "${schema}".meta WHERE key = 'schema_version'`);
      expect(Number(version?.value)).toBe(POSTGRES_SCHEMA_VERSION);
      expect(await store.submit(makeSubmitRequest({ idempotencyKey: 'order-1', subject: 'kept by v2' }))).toEqual({ messageId: old.messageId, duplicate: true });
      expect(await store.submit(makeSubmitRequest({ idempotencyKey: 'order-1', subject: 'changed since' }))).toEqual({ messageId: old.messageId, duplicate: true });
      const fresh = await store.submit(makeSubmitRequest({ idempotencyKey: 'order-2', subject: 'kept by v3' }));
      expect(await store.submit(makeSubmitRequest({ idempotencyKey: 'order-2', subject: 'kept by v3' }))).toEqual({ messageId: fresh.messageId, duplicate: true });
      const conflict = await store.submit(makeSubmitRequest({ idempotencyKey: 'order-2', subject: 'other' })).catch((e: unknown) => e);
      expect(XportError.is(conflict, 'XPORT_IDEMPOTENCY_CONFLICT')).toBe(true);
      const rows = await adminQuery<{ k: string; f: string | null }>(`SELECT idempotency_key AS k, idempotency_fingerprint AS f FROM "${schema}".messages ORDER BY seq`);
      expect(rows.map((r) => [r.k, r.f === null ? null : r.f.length])).toEqual([
        ['order-1', null],
        ['order-2', 64],
      ]);
    } finally {
      await store.close();
    }
  });

  it('refuses a schema written by a newer version, naming found and supported versions', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const store = createPostgresStore({ connectionString: TEST_PG_URL, schema });
    await store.open();
    await store.close();
    await adminQuery(`UPDATE "${schema}".meta SET value = '99' WHERE key = 'schema_version'`);
    const error = await createPostgresStore({ connectionString: TEST_PG_URL, schema })
      .open()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(XportError.is(error, 'XPORT_STORE_SCHEMA_NEWER')).toBe(true);
    expect((error as XportError).message).toContain('schema version 99');
    expect((error as XportError).message).toContain(`supports up to ${POSTGRES_SCHEMA_VERSION}`);
    expect((error as XportError).details).toMatchObject({ found: 99, expected: `<= ${POSTGRES_SCHEMA_VERSION}` });
  });

  it('refuses a schema name that is not a plain lowercase identifier', () => {
    expect(() => createPostgresStore({ connectionString: TEST_PG_URL, schema: 'x"; DROP TABLE y; --' })).toThrow(/schema must match/);
  });

  it('quarantines a message whose stored JSON no longer decodes, and leaves it out of lists and claims', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const store = createPostgresStore({ connectionString: TEST_PG_URL, schema });
    await store.open();
    try {
      const bad = await store.submit(makeSubmitRequest({ subject: 'bad' }));
      const good = await store.submit(makeSubmitRequest({ subject: 'good' }));
      await adminQuery(`UPDATE "${schema}".messages SET envelope = '"not an envelope"' WHERE id = $1`, [bad.messageId]);
      expect((await store.listQueue()).map((m) => m.id)).toEqual([good.messageId]);
      expect((await store.quarantined()).map((q) => q.id)).toEqual([bad.messageId]);
      expect((await store.claim({ owner: 's', limit: 10, leaseMs: 1000, now: 2000 })).map((c) => c.messageId)).toEqual([good.messageId]);
    } finally {
      await store.close();
    }
  });
});
