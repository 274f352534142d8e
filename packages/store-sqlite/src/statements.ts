import type { Database, Statement } from 'better-sqlite3';

const cache = new WeakMap<Database, Map<string, Statement>>();

/** A prepared statement, prepared once per connection. */
export function sql<Params extends unknown[] = unknown[], Row = unknown>(db: Database, text: string): Statement<Params, Row> {
  let statements = cache.get(db);
  if (!statements) cache.set(db, (statements = new Map()));
  let statement = statements.get(text);
  if (!statement) statements.set(text, (statement = db.prepare(text)));
  return statement as Statement<Params, Row>;
}
