import { closeSync, fdatasync, openSync } from 'node:fs';
import { storeFiles } from './store-files.js';

const errnoOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

// A sync refused for want of room (or on a filesystem made read-only) fails the writes it covers;
// the next sync may succeed.
const NO_ROOM = /^(ENOSPC|EDQUOT|EROFS)$/;

/** What a group commit needs of a WAL sync (`WalSync`; a test gives its own). */
export interface CommitSync {
  /** Resolves once every frame committed so far is on disk. */
  sync(): Promise<void>;
  /** Set once a sync failed in a way that leaves later commits' durability unknown: writes are refused. */
  readonly failure: Error | undefined;
}

/**
 * Makes committed WAL frames durable off the event loop: `fdatasync` of the `-wal` file in libuv's
 * thread pool, while the connection itself runs `synchronous = NORMAL` (SQLite then syncs the WAL and
 * the database only at checkpoints, never at `COMMIT`). A group commit resolves its writes only once
 * this sync returns, so what `FULL` promises still holds — a write that resolved survives power loss —
 * but the event loop goes on (parsing, sending, the next batch's statements) while the disk flushes.
 *
 * A sync that fails for any reason but a full disk leaves the durability of every later commit
 * unknown (after a failed `fsync` the kernel may drop the dirty pages and report the next sync clean),
 * so the store refuses writes from then on, until it is closed and opened again.
 */
export class WalSync implements CommitSync {
  private fd: number | undefined;
  private failed: Error | undefined;
  private readonly wal: string;

  constructor(path: string) {
    this.wal = storeFiles(path).wal;
  }

  /** The error of an earlier failed sync, if any: writes are refused once it is set. */
  get failure(): Error | undefined {
    return this.failed;
  }

  /** Flushes every frame written to the WAL so far. Call after `COMMIT` returned. */
  sync(): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    let fd: number;
    try {
      // The WAL exists once a commit went through, and SQLite keeps it while this connection is open.
      // Read-only is enough for fdatasync on Linux, and opens on a filesystem remounted read-only.
      fd = this.fd ??= openSync(this.wal, 'r');
    } catch (error) {
      return Promise.reject(this.fail(error));
    }
    return new Promise((resolve, reject) => {
      fdatasync(fd, (error) => {
        if (error) reject(this.fail(error));
        else resolve();
      });
    });
  }

  /** Closes the WAL descriptor; the next `sync` opens it again. */
  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      closeSync(fd);
    } catch {
      // Nothing to flush through a descriptor only ever synced.
    }
  }

  private fail(error: unknown): Error {
    const { failure, lasting } = syncFailure(error);
    if (lasting) this.failed = failure;
    return failure;
  }
}

/**
 * What a failed WAL sync means: a full disk (`ENOSPC`, `EDQUOT`) or a filesystem made read-only
 * (`EROFS`) fails the writes the sync covered
 * and nothing more; anything else (`EIO`, a WAL that cannot be opened) is `lasting`: the error every
 * later write is refused with, its `code` the errno.
 */
export function syncFailure(error: unknown): { readonly failure: Error; readonly lasting: boolean } {
  const errno = errnoOf(error);
  const reason = error instanceof Error ? error.message : String(error);
  if (errno !== undefined && NO_ROOM.test(errno)) {
    return { failure: Object.assign(new Error(`the WAL could not be synced: ${reason}`), { code: errno, cause: error }), lasting: false };
  }
  const failure = Object.assign(
    new Error(`the WAL could not be synced (${reason}): whether later writes reach the disk is unknown, so writes are refused until the store is opened again`),
    { code: errno ?? 'SQLITE_IOERR', cause: error },
  );
  return { failure, lasting: true };
}


