import type { Logger } from '@xport/provider-sdk';
import { Checkpointer } from './checkpointer.js';
import type { CheckpointReply } from './checkpoint-worker.js';
import { WAL_AUTOCHECKPOINT_PAGES } from './open-database.js';

/** The worker checkpoints after a commit that leaves this many frames in the WAL: half the writer's own threshold. */
export const CHECKPOINT_FRAMES = WAL_AUTOCHECKPOINT_PAGES / 2;

/** Once writes stop, the last commit's frames are checkpointed this long after it (ms). */
export const IDLE_CHECKPOINT_MS = 50;

/**
 * The checkpoint worker of the store at `path`. The writer keeps its own autocheckpoint at
 * {@link WAL_AUTOCHECKPOINT_PAGES}, for a batch that alone crosses it and for when the worker stops.
 * A failed checkpoint (a full disk) is logged once, and its recovery once; the next commit tries again.
 */
export function startCheckpointer(path: string, logger: Logger | undefined, options: { readonly frames?: number; readonly driver?: string } = {}): Checkpointer {
  let failing: string | undefined;
  return new Checkpointer(path, {
    frames: options.frames ?? CHECKPOINT_FRAMES,
    intervalMs: IDLE_CHECKPOINT_MS,
    ...(options.driver === undefined ? {} : { driver: options.driver }),
    onStopped: (error) => {
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
