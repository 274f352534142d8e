import type pg from 'pg';
import type { DatabaseTarget } from './connection.js';

/** What the statement modules need: the pool, the quoted schema name and the NOTIFY channel. */
export interface Database {
  readonly pool: pg.Pool;
  /** Quoted schema name, for interpolation into statements (it matched SCHEMA_NAME_PATTERN). */
  readonly s: string;
  /** `xport_work_<schema>`: submits, hand-overs and makeDue notify it. */
  readonly channel: string;
  readonly target: DatabaseTarget;
}

/** Runs `work` in one transaction on one pooled connection. */
export async function inTransaction<T>(db: Database, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.pool.connect();
  let broken: unknown;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    // A connection whose rollback failed is not handed out again.
    client.release(broken === undefined ? undefined : (broken as Error));
  }
}

/**
 * Runs a hot statement as a named prepared statement: each pooled connection parses and plans it
 * once, later calls only bind and execute (the claim and completion CTEs cost more to plan than to
 * run). `name` must stand for one text per pool: a pool serves one schema, and the text varies only
 * with it, so a fixed name per statement shape is enough.
 */
export function queryPrepared<R extends pg.QueryResultRow>(db: Database, name: string, text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
  return db.pool.query<R>({ name: `xport_${name}`, text, values });
}
