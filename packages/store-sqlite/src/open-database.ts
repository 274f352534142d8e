import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { assertSchemaNotNewer, migrateSchema } from './schema.js';
import { toStoreError, toUnavailable } from './storage-errors.js';

export interface ConnectionSettings {
  readonly path: string;
  readonly synchronous: 'FULL' | 'NORMAL';
  readonly busyTimeoutMs: number;
  readonly maxSizeBytes?: number;
}

/**
 * Opens the database in WAL mode, refuses a newer schema before writing anything, then migrates.
 * WAL + `synchronous` FULL makes a commit durable against power loss; NORMAL against a process crash.
 */
export function openDatabase(settings: ConnectionSettings): Database {
  const { path } = settings;
  let db: Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new BetterSqlite3(path, { timeout: settings.busyTimeoutMs });
  } catch (error) {
    throw toUnavailable(path, 'open the database', error);
  }
  try {
    db.pragma(`busy_timeout = ${Math.trunc(settings.busyTimeoutMs)}`);
    assertSchemaNotNewer(db, path);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${settings.synchronous}`);
    // Group commit runs each job under a savepoint; with the default temp_store its statement journal
    // is a temporary file, written on every job (measured: a third of the kernel's CPU per message on
    // the loopback benchmark, mostly system time). In memory it costs a page copy, and it is only
    // ever needed to roll one job back inside its still-open transaction, so durability is unchanged.
    db.pragma('temp_store = MEMORY');
    if (settings.maxSizeBytes !== undefined) {
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      db.pragma(`max_page_count = ${Math.max(1, Math.floor(settings.maxSizeBytes / pageSize))}`);
    }
    migrateSchema(db, path);
    return db;
  } catch (error) {
    db.close();
    throw toStoreError(path, 'open the database', error);
  }
}
