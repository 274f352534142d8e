import { statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { XportError, type MessageStore } from '@xport/provider-sdk';
import { makeReceiveRequest, makeSubmitRequest } from '@xport/provider-sdk/testing';
import { createPostgresStore } from '../src/index.js';
import { toStoreError } from '../src/unavailable.js';
import { describeTarget } from '../src/connection.js';
import { CANNOT_MOUNT, describeIf, mountSmallDisk, type SmallDisk } from '../../../test/support/small-disk.js';
import { TEST_PG_URL, adminQuery, dropSchema, freshSchema } from './test-database.js';

const codeOf = (error: unknown): string => (XportError.is(error) ? error.code : String(error));
const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

/** The test database with server options for every session of the store (`?options=-c ...`). */
function withSessionOptions(options: string): string {
  const url = new URL(TEST_PG_URL);
  url.searchParams.set('options', options);
  return url.toString();
}

const body = (n: number, bytes: number): string => `${n} `.padEnd(bytes, 'x');

describe('postgres store that may not write', () => {
  it('classifies disk_full (53100) and read-only transactions (25006) as XPORT_STORE_FULL, other server trouble as XPORT_STORE_UNAVAILABLE', () => {
    const target = describeTarget(TEST_PG_URL, 'xport');
    const as = (code: string): unknown => toStoreError(target, 'submit a message', Object.assign(new Error(`server said ${code}`), { code }), TEST_PG_URL);
    expect(codeOf(as('53100'))).toBe('XPORT_STORE_FULL');
    expect(codeOf(as('25006'))).toBe('XPORT_STORE_FULL');
    expect((as('25006') as XportError).message).toContain('read-only');
    expect(codeOf(as('53200'))).toBe('XPORT_STORE_UNAVAILABLE');
    expect(codeOf(as('53300'))).toBe('XPORT_STORE_UNAVAILABLE');
    expect(codeOf(as('08006'))).toBe('XPORT_STORE_UNAVAILABLE');
    // A statement bug stays what it is.
    expect(codeOf(as('42601'))).toBe('Error: server said 42601');
  });

  it('refuses to open on a database that accepts no writes (a standby, default_transaction_read_only) with XPORT_STORE_FULL', async () => {
    const schema = freshSchema();
    try {
      const store = createPostgresStore({ connectionString: withSessionOptions('-c default_transaction_read_only=on'), schema });
      const error = await failure(store.open());
      expect(codeOf(error)).toBe('XPORT_STORE_FULL');
      expect((error as XportError).message).toMatch(/cannot open the store: .*\(25006\); the database accepts no writes/);
      expect((error as XportError).details).toMatchObject({ pgCode: '25006' });
    } finally {
      await dropSchema(schema);
    }
  });
});

/**
 * The OS user and group the test server runs as (the owners of its data directory: `postgres` for
 * a packaged cluster, another user for an embedded one), or why the test server cannot get a
 * tablespace on a tmpfs of ours: no mount, not on this host, a data directory we cannot see.
 */
async function serverOwner(): Promise<{ uid: number; gid: number } | string> {
  if (CANNOT_MOUNT !== undefined) return CANNOT_MOUNT;
  const host = new URL(TEST_PG_URL).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) return `the test server (${host}) is not on this host, so it cannot use a tmpfs mounted here`;
  try {
    const [row] = await adminQuery<{ data_directory: string }>('SHOW data_directory');
    const { uid, gid } = statSync(row!.data_directory);
    return { uid, gid };
  } catch (error) {
    return `cannot see the test server's data directory to learn whose it is: ${String(error)}`;
  }
}

const owner = await serverOwner();

// The store's tables in a tablespace on a small tmpfs: PostgreSQL itself runs out of room (53100),
// while its WAL, on its own disk, does not.
describeIf(typeof owner === 'string' ? owner : undefined, 'postgres store whose tablespace fills up (tmpfs)', () => {
  let disk: SmallDisk;
  let tablespace: string;
  let schema: string;
  let store: MessageStore | undefined;
  beforeEach(async () => {
    disk = mountSmallDisk(8 * 1024 * 1024, { owner: owner as { uid: number; gid: number } });
    tablespace = `xport_full_${randomBytes(4).toString('hex')}`;
    schema = freshSchema();
    await adminQuery(`CREATE TABLESPACE ${tablespace} LOCATION '${disk.dir}'`);
  });
  afterEach(async () => {
    disk.free();
    await store?.close();
    store = undefined;
    await dropSchema(schema);
    await adminQuery(`DROP TABLESPACE IF EXISTS ${tablespace}`);
    disk.unmount();
  });

  it('refuses submits and inbox writes with XPORT_STORE_FULL (53100), keeps what it accepted, and writes again once space returns', async () => {
    store = createPostgresStore({ connectionString: withSessionOptions(`-c default_tablespace=${tablespace}`), schema, poolSize: 2 });
    await store.open();
    const [placed] = await adminQuery<{ spcname: string }>(
      `SELECT t.spcname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_tablespace t ON t.oid = c.reltablespace WHERE n.nspname = $1 AND c.relname = 'messages'`,
      [schema],
    );
    expect(placed?.spcname).toBe(tablespace);
    disk.fill(256 * 1024);
    const accepted: string[] = [];
    let refused: unknown;
    for (let n = 0; n < 2000 && refused === undefined; n++) {
      try {
        accepted.push((await store.submit(makeSubmitRequest({ text: body(n, 16 * 1024) }))).messageId);
      } catch (error) {
        refused = error;
      }
    }
    expect(accepted.length).toBeGreaterThan(0);
    expect(codeOf(refused)).toBe('XPORT_STORE_FULL');
    expect((refused as XportError).details).toMatchObject({ pgCode: '53100' });
    expect((refused as XportError).message).toMatch(/cannot submit a message: .*\(53100\); the database server has no space left to write/);
    expect(codeOf(await failure(store.receive(makeReceiveRequest({ text: body(0, 64 * 1024) }))))).toBe('XPORT_STORE_FULL');
    expect((await store.listQueue({ limit: 10_000 })).map((m) => m.id)).toEqual(accepted);

    disk.free();
    const after = await store.submit(makeSubmitRequest({ text: body(1, 16 * 1024) }));
    expect(await store.receive(makeReceiveRequest({ text: 'room again' }))).toHaveLength(1);
    expect((await store.listQueue({ limit: 10_000 })).map((m) => m.id)).toEqual([...accepted, after.messageId]);
  });
});
