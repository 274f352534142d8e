import { afterEach, describe, expect, it } from 'vitest';
import { XportError, type MessageStore } from '@xport/provider-sdk';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import { createPostgresStore } from '../src/index.js';
import { TEST_PG_URL, adminQuery, dropSchema, freshSchema } from './test-database.js';
import { startSilentServer, startTcpProxy, viaPort, type TcpProxy } from './tcp-proxy.js';

const PASSWORD = 'not-a-real-s3cret';

// The run's server (default, XPORT_TEST_PG_URL or embedded): proxies forward to it.
const server = new URL(TEST_PG_URL);
const SERVER_HOST = server.hostname;
const SERVER_PORT = Number(server.port || 5432);

function withPassword(url: string): string {
  const parsed = new URL(url);
  parsed.password = PASSWORD;
  return parsed.toString();
}

async function rejection(promise: Promise<unknown>): Promise<XportError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(XportError.is(error, 'XPORT_STORE_UNAVAILABLE'), `expected XPORT_STORE_UNAVAILABLE, got ${String(error)}`).toBe(true);
  return error as XportError;
}

function expectNoSecret(error: XportError): void {
  const text = `${error.message} ${JSON.stringify(error.details)}`;
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain('postgres://');
}

/**
 * Retries an operation until it succeeds, as the spooler would; every failure on the way must be
 * XPORT_STORE_UNAVAILABLE. The limit is a safety net against a store that never recovers, far above
 * what reconnecting takes on a loaded machine.
 */
async function recovers<T>(operation: () => Promise<T>, limitMs = 20_000): Promise<{ value: T; failures: number }> {
  const started = Date.now();
  for (let failures = 0; ; failures += 1) {
    try {
      return { value: await operation(), failures };
    } catch (error) {
      expect(XportError.is(error, 'XPORT_STORE_UNAVAILABLE'), `expected XPORT_STORE_UNAVAILABLE, got ${String(error)}`).toBe(true);
      if (Date.now() - started > limitMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('postgres store when the database is unreachable', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('rejects open and submit with XPORT_STORE_UNAVAILABLE at a closed port, naming host and database but no secret', async () => {
    const proxy = await startTcpProxy(SERVER_HOST, SERVER_PORT);
    const port = proxy.port;
    await proxy.close();
    const store = createPostgresStore({ connectionString: withPassword(viaPort(TEST_PG_URL, port)), schema: freshSchema(), connectionTimeoutMs: 1000 });
    const error = await rejection(store.open());
    expect(error.message).toContain(`127.0.0.1:${port}${server.pathname}`);
    expect(error.cause).toBeDefined();
    expectNoSecret(error);
    expectNoSecret(await rejection(store.submit(makeSubmitRequest())));
  });

  it('gives up on a server that accepts but never answers after connectionTimeoutMs instead of hanging', async () => {
    const silent = await startSilentServer();
    cleanups.push(() => silent.close());
    const store = createPostgresStore({ connectionString: viaPort(TEST_PG_URL, silent.port), schema: freshSchema(), connectionTimeoutMs: 300 });
    const error = await rejection(store.open());
    expect(error.message).toMatch(/timeout|terminated/i);
  });

  describe('an outage after open (the network to the database cut, then restored)', () => {
    let proxy: TcpProxy;
    let store: MessageStore;

    afterEach(async () => {
      await store.close();
      await proxy.close();
    });

    it('rejects operations during the outage and serves them again once the database is back', async () => {
      proxy = await startTcpProxy(SERVER_HOST, SERVER_PORT);
      const schema = freshSchema();
      cleanups.push(() => dropSchema(schema));
      // The outage shows as refused and reset connections, not as timeouts: the timeouts are only safety nets here.
      store = createPostgresStore({ connectionString: withPassword(viaPort(TEST_PG_URL, proxy.port)), schema, connectionTimeoutMs: 15_000, queryTimeoutMs: 15_000 });
      await store.open();
      const before = await store.submit(makeSubmitRequest({ subject: 'before' }));

      await proxy.cut();
      expectNoSecret(await rejection(store.submit(makeSubmitRequest({ subject: 'during' }))));
      expectNoSecret(await rejection(store.claim({ owner: 's', limit: 10, leaseMs: 1000, now: 2000 })));
      await rejection(store.counts());

      await proxy.restore();
      const { value: after } = await recovers(() => store.submit(makeSubmitRequest({ subject: 'after' })));
      const claims = await store.claim({ owner: 's', limit: 10, leaseMs: 1000, now: 2000 });
      expect(claims.map((c) => c.messageId)).toEqual([before.messageId, after.messageId]);
    });
  });

  it('recovers after its backends are terminated (pg_terminate_backend), LISTEN connection included', async () => {
    const schema = freshSchema();
    const applicationName = `xport-test-${schema}`;
    cleanups.push(() => dropSchema(schema));
    const store = createPostgresStore({ connectionString: TEST_PG_URL, schema, applicationName, poolSize: 4 });
    const other = createPostgresStore({ connectionString: TEST_PG_URL, schema, applicationName: `${applicationName}-other` });
    await store.open();
    await other.open();
    cleanups.push(() => store.close());
    cleanups.push(() => other.close());
    await Promise.all([store.counts(), store.nextWakeAt(), store.listQueue()]);
    let woken = 0;
    const stop = store.onWork(() => (woken += 1));
    cleanups.push(async () => stop());
    // The LISTEN connection is one of the backends about to be terminated.
    await recovers(async () => {
      const rows = await adminQuery(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'`, [applicationName]);
      if (rows.length === 0) throw new XportError('XPORT_STORE_UNAVAILABLE', 'LISTEN connection not up yet');
    });

    // Pids first, then terminate exactly those: never let the planner run pg_terminate_backend on other sessions.
    const pids = (await adminQuery<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [applicationName])).map((r) => r.pid);
    expect(pids.length).toBeGreaterThanOrEqual(2);
    const terminated = await adminQuery<{ ok: boolean }>('SELECT pg_terminate_backend(pid) AS ok FROM unnest($1::int[]) AS pid', [pids]);
    expect(terminated.every((r) => r.ok)).toBe(true);

    const { value: submitted } = await recovers(() => store.submit(makeSubmitRequest()));
    expect((await store.getMessage(submitted.messageId))?.id).toBe(submitted.messageId);
    expect(await store.counts()).toMatchObject({ byState: { queued: 1 } });

    // Another daemon's submit reaches this one through the re-established LISTEN connection.
    await recovers(async () => {
      const rows = await adminQuery(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'`, [applicationName]);
      if (rows.length === 0) throw new XportError('XPORT_STORE_UNAVAILABLE', 'LISTEN connection not back yet');
    });
    const heard = woken;
    const notified = new Promise<void>((resolve) => {
      const off = store.onWork(() => {
        off();
        resolve();
      });
    });
    await other.submit(makeSubmitRequest({ subject: 'from the other daemon' }));
    await notified;
    expect(woken).toBeGreaterThan(heard);
  });
});
