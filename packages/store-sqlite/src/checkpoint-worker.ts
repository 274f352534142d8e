import type * as FileSystem from 'node:fs';
import type * as WorkerThreads from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

/** What the checkpoint worker is started with. */
export interface CheckpointWorkerData {
  /** The database file. */
  readonly path: string;
  /** Its shared-memory index (`<db>-shm`), looked at before each checkpoint. */
  readonly shm: string;
  /** The resolved path of better-sqlite3, which the worker loads itself. */
  readonly driver: string;
}

/** A request to the worker. */
export type CheckpointRequest = 'checkpoint' | 'close';

/** What the worker posts: `ready` once, when it runs; then one answer to each `checkpoint` request. */
export type CheckpointReply =
  | { readonly kind: 'ready' }
  /** Ran: `log` frames in the WAL, `checkpointed` of them in the database file, `busy` when a lock cut it short. */
  | { readonly kind: 'checkpointed'; readonly busy: boolean; readonly log: number; readonly checkpointed: number }
  /** Not run: the shared-memory index may not be written (see `ShmGuard`); the next request looks again. */
  | { readonly kind: 'refused'; readonly code: string }
  /** SQLite failed it (a full disk, an I/O error): the next request tries again. */
  | { readonly kind: 'failed'; readonly code: string; readonly message: string };

/**
 * The checkpoint worker's whole program, run as the source of an `eval` worker (so it needs no file
 * of its own, built or run from source): it must use nothing but its `require` argument.
 *
 * It opens a second connection to the database and, on each `checkpoint` request, runs
 * `PRAGMA wal_checkpoint(PASSIVE)`: it copies committed WAL frames into the database file and syncs
 * both, taking no lock a writer needs, so the writer's connection never waits for it. SQLite syncs
 * the WAL before it copies a frame and the database before it counts the frames as moved, so a
 * crash at any point leaves every commit in one of the two files.
 *
 * Before each checkpoint it checks that the shared-memory index may be written, as the writer does
 * before each transaction: SQLite writes that file through a memory mapping, and a write to a
 * mapping of a file made immutable meanwhile kills the whole process with SIGBUS.
 */
export function checkpointWorkerMain(load: (id: string) => unknown): void {
  const { parentPort, workerData } = load('node:worker_threads') as typeof WorkerThreads;
  const { accessSync, constants } = load('node:fs') as typeof FileSystem;
  const Database = load((workerData as CheckpointWorkerData).driver) as typeof BetterSqlite3;
  const { path, shm } = workerData as CheckpointWorkerData;
  if (parentPort === null) return;
  const port = parentPort;
  const codeOf = (error: unknown): string => {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' ? code : 'UNKNOWN';
  };
  // Opened at the first checkpoint, after the look at the index: in this process the connection
  // shares the writer's mapping of it, and preparing a statement already writes a read mark there.
  let db: BetterSqlite3.Database | undefined;
  let checkpoint: BetterSqlite3.Statement | undefined;
  let open = true;
  port.postMessage({ kind: 'ready' } satisfies CheckpointReply);
  port.on('message', (request: CheckpointRequest) => {
    if (!open) return;
    if (request === 'close') {
      open = false;
      db?.close();
      port.close();
      return;
    }
    try {
      accessSync(shm, constants.W_OK);
    } catch (error) {
      if (codeOf(error) !== 'ENOENT') {
        port.postMessage({ kind: 'refused', code: codeOf(error) } satisfies CheckpointReply);
        return;
      }
    }
    try {
      if (db === undefined) {
        db = new Database(path, { fileMustExist: true, timeout: 0 });
        // A checkpoint syncs the WAL and the database file under NORMAL as under FULL; OFF would skip both.
        db.pragma('synchronous = NORMAL');
      }
      checkpoint ??= db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
      const row = checkpoint.get() as { busy: number; log: number; checkpointed: number };
      port.postMessage({ kind: 'checkpointed', busy: row.busy !== 0, log: row.log, checkpointed: row.checkpointed } satisfies CheckpointReply);
    } catch (error) {
      port.postMessage({ kind: 'failed', code: codeOf(error), message: error instanceof Error ? error.message : String(error) } satisfies CheckpointReply);
    }
  });
}
