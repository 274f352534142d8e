import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL the tests run against: `XPORT_TEST_PG_URL`, or the local trust-auth server. */
export const TEST_PG_URL = process.env.XPORT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

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
