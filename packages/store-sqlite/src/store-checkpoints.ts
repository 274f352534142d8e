import type { Database } from 'better-sqlite3';
import type { Logger } from '@xport/provider-sdk';
import { Checkpointer } from './checkpointer.js';
import type { CheckpointReply } from './checkpoint-worker.js';
import { WAL_AUTOCHECKPOINT_PAGES } from './open-database.js';

/** The least time between two checkpoints of the worker (ms): a batch waits for one at most this often. */
export const CHECKPOINT_INTERVAL_MS = 50;

/**
 * The writer's own autocheckpoint while the worker runs: SQLite's default, a backstop for a WAL the
 * worker did not keep small (held by a long read in another process, for one). The worker checkpoints
 * at every interval, far below it.
 */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 1000;

/**
 * Starts the checkpoint worker for the store's connection `db`: from now on the writer checkpoints
 * only as a backstop, and again at {@link WAL_AUTOCHECKPOINT_PAGES} if the worker stops. A failed
 * checkpoint (a full disk) is logged once, and its recovery once; the next interval tries again.
 */
export function startCheckpointer(db: Database, path: string, logger: Logger | undefined, options: { readonly intervalMs?: number; readonly driver?: string } = {}): Checkpointer {
  db.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
  let failing: string | undefined;
  return new Checkpointer(path, {
    intervalMs: options.intervalMs ?? CHECKPOINT_INTERVAL_MS,
    ...(options.driver === undefined ? {} : { driver: options.driver }),
    onStopped: (error) => {
      if (db.open) db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
      logger?.warn(`sqlite store ${path}: the checkpoint worker stopped (${error.message.split('\n')[0]}); the writer checkpoints the WAL itself from now on`, { path });
    },
    onReady: () => logger?.debug(`sqlite store ${path}: checkpoints run in a worker thread`, { path }),
    onReply: (reply: CheckpointReply) => {
      if (reply.kind === 'failed' && failing === undefined) {
        failing = reply.code;
        logger?.warn(`sqlite store ${path}: a checkpoint failed (${reply.code}: ${reply.message}); the WAL keeps the commits and the next checkpoint tries again`, { path, code: reply.code });
      } else if (reply.kind === 'checkpointed' && failing !== undefined) {
        failing = undefined;
        logger?.info(`sqlite store ${path}: checkpoints go through again`, { path });
      }
    },
  });
}
