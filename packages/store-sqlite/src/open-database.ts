import { constants } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { XportError } from '@xport/provider-sdk';
import { assertSchemaNotNewer, migrateSchema } from './schema.js';
import { checkWritable } from './storage-diagnosis.js';
import { toRefusedStorage, toStorageError, toStoreError } from './storage-errors.js';
import { prepareStoreFiles, storeFiles } from './store-files.js';
import { WalSync } from './wal-sync.js';

/** The WAL size (pages) at which the writer's connection checkpoints when no checkpoint worker runs. */
export const WAL_AUTOCHECKPOINT_PAGES = 256;

export interface ConnectionSettings {
  readonly path: string;
  readonly synchronous: 'FULL' | 'NORMAL';
  readonly busyTimeoutMs: number;
  readonly maxSizeBytes?: number;
}

/** What opening found besides the connection: store files whose mode it tightened to owner-only. */
export interface OpenedDatabase {
  readonly db: Database;
  readonly tightened: readonly string[];
  /**
   * Under `FULL`, what makes a commit durable: the connection runs `NORMAL` once migrated, and the
   * group commit syncs the WAL through this off the event loop before any write of a batch resolves.
   */
  readonly walSync?: WalSync;
}

/**
 * Refuses a store that cannot be written before SQLite opens it: an `XPORT_STORE_FULL` naming the
 * directory or file and why (read-only filesystem, immutable file, permissions), where SQLite would
 * open it anyway and fail each write later.
 */
function assertWritable(path: string): void {
  const files = storeFiles(path);
  const checks: Array<[string, number]> = [
    [dirname(path), constants.W_OK | constants.X_OK],
    [files.db, constants.W_OK],
    [files.wal, constants.W_OK],
    [files.shm, constants.W_OK],
  ];
  for (const [file, mode] of checks) {
    const refused = checkWritable(file, mode, file === checks[0]![0]);
    if (refused) throw toRefusedStorage(path, 'open the database', refused);
  }
}

/**
 * Opens the database in WAL mode, refuses a newer schema before writing anything, then migrates.
 * WAL + `synchronous` FULL makes a commit durable against power loss; NORMAL against a process crash.
 * FULL is kept by the caller syncing the WAL after each commit (`walSync`), not by SQLite at `COMMIT`:
 * the connection runs NORMAL (checkpoints still sync the WAL before and the database after they copy).
 * The directory is created `0700` and the files `0600`, whatever the umask.
 */
export function openDatabase(settings: ConnectionSettings): OpenedDatabase {
  const { path } = settings;
  let db: Database;
  let tightened: string[] = [];
  try {
    if (path !== ':memory:') {
      tightened = prepareStoreFiles(path);
      assertWritable(path);
    }
    db = new BetterSqlite3(path, { timeout: settings.busyTimeoutMs });
  } catch (error) {
    throw XportError.is(error) ? error : toStorageError(path, 'open the database', error);
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
    // The WAL gives space back only at a checkpoint, and a checkpoint needs room in the database file
    // for the pages it moves. With SQLite's default (1000 pages, 4 MiB) a small or nearly full disk
    // could end with every page in the WAL and no room left to move them: full for good. A quarter of
    // that keeps the WAL small beside the data, at the same total checkpoint work.
    db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    if (settings.maxSizeBytes !== undefined) {
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      db.pragma(`max_page_count = ${Math.max(1, Math.floor(settings.maxSizeBytes / pageSize))}`);
    }
    migrateSchema(db, path);
    if (settings.synchronous === 'FULL' && path !== ':memory:') {
      db.pragma('synchronous = NORMAL');
      return { db, tightened, walSync: new WalSync(path) };
    }
    return { db, tightened };
  } catch (error) {
    db.close();
    throw toStoreError(path, 'open the database', error);
  }
}
