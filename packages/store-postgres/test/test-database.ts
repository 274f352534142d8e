import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/**
 * The PostgreSQL the tests run against, found or started once per run by the `postgres` project's
 * global setup (test/support/postgres/test-postgres.mjs: `XPORT_TEST_PG_URL`, a server answering at
 * postgres://postgres@127.0.0.1:5432/test, or an embedded one).
 */
export const TEST_PG_URL = providedUrl();

function providedUrl(): string {
  const url = inject('xportTestPgUrl');
  if (!url) {
    throw new Error(
      'no PostgreSQL was provided to this test file: a test file that needs PostgreSQL must match NEED_POSTGRES in ' +
        'vitest.config.ts (the `postgres` project, whose global setup finds or starts the server)',
    );
  }
  return url;
}

/** A fresh schema name, so every test has its own tables. */
export function freshSchema(): string {
  return `xport_test_${randomBytes(6).toString('hex')}`;
}

/** Runs one query on a short-lived connection of its own (not the store's). */
export async function adminQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}
