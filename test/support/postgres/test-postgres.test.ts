import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { TEST_PG_URL } from '../../../packages/store-postgres/test/test-database.js';
import { findOrStartTestPostgres } from './test-postgres.mjs';

// Which server the tests get: XPORT_TEST_PG_URL, else a server answering at the default address
// (XPORT_TEST_PG_DEFAULT_URL stands in for postgres://postgres@127.0.0.1:5432/test here), else an
// embedded one. TEST_PG_URL is this run's server, whichever of the three it is.

const PASSWORD = 'ks-not-a-pg-password-7d1e';
// initdb alone takes seconds on a busy machine.
const EMBEDDED_START_TIMEOUT = 120_000;

/** A connection string to a port nothing listens on (bound, then closed). */
async function closedUrl(password?: string): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `postgres://postgres${password ? `:${password}` : ''}@127.0.0.1:${port}/test`;
}

async function currentDatabase(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]!.db;
  } finally {
    await client.end();
  }
}

describe('finding the PostgreSQL to test against', () => {
  it('takes XPORT_TEST_PG_URL over a server at the default address, and starts nothing', async () => {
    const found = await findOrStartTestPostgres({ env: { XPORT_TEST_PG_URL: TEST_PG_URL, XPORT_TEST_PG_DEFAULT_URL: await closedUrl() } });
    expect(found).toMatchObject({ url: TEST_PG_URL, origin: 'XPORT_TEST_PG_URL' });
    const both = await findOrStartTestPostgres({ env: { XPORT_TEST_PG_URL: TEST_PG_URL, XPORT_TEST_PG_DEFAULT_URL: TEST_PG_URL } });
    expect(both).toMatchObject({ url: TEST_PG_URL, origin: 'XPORT_TEST_PG_URL', dir: undefined });
  });

  it('refuses an XPORT_TEST_PG_URL that does not answer instead of starting a server in its place, naming it without its password', async () => {
    const named = await closedUrl(PASSWORD);
    const error = await findOrStartTestPostgres({ env: { XPORT_TEST_PG_URL: named, XPORT_TEST_PG_DEFAULT_URL: TEST_PG_URL } }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(new RegExp(`^XPORT_TEST_PG_URL \\(${new URL(named).host}/test\\) does not answer: .*ECONNREFUSED`));
    expect(error?.message).not.toContain(PASSWORD);
  });

  it('takes the server answering at the default address when XPORT_TEST_PG_URL is unset', async () => {
    const found = await findOrStartTestPostgres({ env: { XPORT_TEST_PG_DEFAULT_URL: TEST_PG_URL } });
    expect(found).toMatchObject({ url: TEST_PG_URL, origin: 'default', dir: undefined });
  });

  it('starts an embedded PostgreSQL when nothing answers at the default address, and removes it on release', async () => {
    const closed = await closedUrl();
    const lines: string[] = [];
    const found = await findOrStartTestPostgres({ env: { XPORT_TEST_PG_DEFAULT_URL: closed }, log: (line) => lines.push(line) });
    try {
      expect(found.origin).toBe('embedded');
      expect(existsSync(found.dir!)).toBe(true);
      expect(lines[0]).toMatch(new RegExp(`^no PostgreSQL at ${new URL(closed).host}/test \\(.*ECONNREFUSED.*\\): starting an embedded one$`));
      expect(found.url).not.toBe(TEST_PG_URL);
      expect(await currentDatabase(found.url)).toBe('test');
    } finally {
      await found.release();
    }
    expect(found.dir).toBeDefined();
    expect(existsSync(found.dir!)).toBe(false);
    await expect(currentDatabase(found.url)).rejects.toThrow(/ECONNREFUSED/);
  }, EMBEDDED_START_TIMEOUT);
});
