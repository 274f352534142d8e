import type { Database } from 'better-sqlite3';
import { XportError } from '@xport/provider-sdk';
import type { BatchCheckpoint } from './checkpointer.js';
import type { ShmGuard } from './shm-guard.js';
import type { CommitSync } from './wal-sync.js';
import { sql } from './statements.js';
import { toStorageError, toStoreError } from './storage-errors.js';

interface Job {
  readonly action: string;
  readonly work: (db: Database) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Group commit: every write queued during one turn of the event loop runs in one `BEGIN IMMEDIATE`
 * transaction, each job under its own savepoint, and no job resolves before `COMMIT` returns — so
 * durability costs one WAL sync per batch, not per message, and a failed commit fails every job in it.
 * With a commit window, a batch also takes the writes of the next `windowMs`: writes that trickle in
 * one per turn (a relay's replies) then share a sync, and each write waits up to that long.
 *
 * With a `WalSync`, the WAL is flushed off the event loop after `COMMIT` and the batch's writes resolve
 * when that flush returns; the next batch waits for it (and so takes every write issued meanwhile),
 * which keeps one sync in flight at a time and never lets a later write resolve before an earlier one.
 *
 * With a `BatchCheckpoint`, a checkpoint due after a batch runs before the next batch begins (the
 * batch's writes do not wait for it): with no commit in between, the checkpoint takes the whole WAL
 * and the next batch starts it again from its beginning. Once writes stop, one more checkpoint
 * follows the last commit within an interval, so an idle store's WAL is in the database file.
 *
 * A batch that fails (disk full, read-only, an I/O error) fails each of its jobs with a coded error
 * and leaves the connection out of any transaction, so the next batch starts clean: once the disk
 * has room again, writes go through with no reopening.
 */
export class GroupCommitWriter {
  private pending: Job[] = [];
  private scheduled = false;
  /** A batch's WAL sync or checkpoint is in flight: the next batch waits for it. */
  private syncing = false;
  private closed = false;
  private drained: Array<() => void> = [];
  /** The checkpoint after the last commit, once writes stop. */
  private idleCheckpoint: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly path: string,
    private readonly maxBatch = 2000,
    private readonly windowMs = 0,
    private readonly guard?: ShmGuard,
    private readonly walSync?: CommitSync,
    private readonly checkpointer?: BatchCheckpoint,
  ) {}

  /** Runs `work` inside the next batch's transaction; resolves with its result once committed. */
  run<T>(action: string, work: (db: Database) => T): Promise<T> {
    if (this.closed) {
      return Promise.reject(new XportError('XPORT_STORE_UNAVAILABLE', `sqlite store ${this.path}: cannot ${action}: the store is closed`, { details: { path: this.path, action } }));
    }
    const failure = this.walSync?.failure;
    if (failure) return Promise.reject(toStorageError(this.path, action, failure));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ action, work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Stops taking jobs and resolves once the queued ones are written. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleCheckpoint);
    this.idleCheckpoint = undefined;
    if (this.pending.length === 0 && !this.scheduled && !this.syncing) return;
    await new Promise<void>((resolve) => this.drained.push(resolve));
  }

  /** `more`: what a full batch left behind goes in the next turn, without another window. */
  private schedule(more = false): void {
    if (this.scheduled || this.syncing) return;
    this.scheduled = true;
    // setImmediate, not a microtask: it gathers every write issued in this turn, including those
    // issued from I/O callbacks that run before the check phase.
    if (this.windowMs > 0 && !more) setTimeout(this.flushNow, this.windowMs);
    else setImmediate(this.flushNow);
  }

  private readonly flushNow = (): void => this.flush();

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending.splice(0, this.maxBatch);
    let outcomes: Outcome[];
    try {
      outcomes = this.runBatch(batch);
    } catch (error) {
      // Never out of a timer callback: that would end the process and leave these jobs unsettled.
      outcomes = this.failAll(batch, error);
    }
    const committed = outcomes.some((o) => o.ok);
    const checkpoint = committed ? this.checkpointAfterCommit() : undefined;
    if (this.walSync && committed) {
      this.syncing = true;
      this.walSync.sync().then(
        () => this.afterSync(batch, outcomes, checkpoint),
        (error: unknown) => this.afterSync(batch, outcomes, checkpoint, error),
      );
      return;
    }
    this.afterSync(batch, outcomes, checkpoint);
  }

  /**
   * The batch's commit is on disk (or its sync failed, `error`): its writes resolve; the next batch
   * begins once `checkpoint`, if any, is over too.
   */
  private afterSync(batch: readonly Job[], outcomes: Outcome[], checkpoint: Promise<void> | undefined, error?: unknown): void {
    if (error !== undefined) outcomes = outcomes.map((o, i) => (o.ok ? { ok: false, error: toStorageError(this.path, batch[i]!.action, error) } : o));
    if (checkpoint === undefined) {
      this.resume();
      this.settle(batch, outcomes);
      return;
    }
    this.syncing = true;
    this.settle(batch, outcomes);
    void checkpoint.then(() => {
      this.resume();
      this.settleDrained();
    });
  }

  /** A checkpoint, when one is due after this commit; else one once writes stop, if none came first. */
  private checkpointAfterCommit(): Promise<void> | undefined {
    if (this.checkpointer === undefined) return undefined;
    clearTimeout(this.idleCheckpoint);
    this.idleCheckpoint = undefined;
    if (this.checkpointer.due()) return this.checkpointer.checkpoint();
    this.armIdleCheckpoint();
    return undefined;
  }

  private armIdleCheckpoint(): void {
    const wait = this.checkpointer?.intervalMs;
    if (wait === undefined || this.closed) return;
    this.idleCheckpoint = setTimeout(this.checkpointWhenIdle, wait);
    this.idleCheckpoint.unref();
  }

  /**
   * Writes stopped (or go on without a checkpoint): one runs now, the next batch waiting for it, if
   * the WAL holds commits no checkpoint took yet (none while the worker is still starting: the next
   * commit arms it again).
   */
  private readonly checkpointWhenIdle = (): void => {
    this.idleCheckpoint = undefined;
    // A batch to come arms it again after its commit.
    if (this.closed || this.scheduled || this.pending.length > 0) return;
    if (this.syncing) {
      this.armIdleCheckpoint();
      return;
    }
    if (!this.checkpointer!.due(true)) return;
    this.syncing = true;
    void this.checkpointer!.checkpoint().then(() => {
      this.resume();
      this.settleDrained();
    });
  };

  /** The next batch may begin: it goes in the next turn if writes are waiting. */
  private resume(): void {
    this.syncing = false;
    if (this.pending.length > 0) this.schedule(true);
  }

  private settle(batch: readonly Job[], outcomes: readonly Outcome[]): void {
    batch.forEach((job, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    });
    this.settleDrained();
  }

  /** Resolves `close()` once nothing is queued or in flight. */
  private settleDrained(): void {
    if (this.pending.length === 0 && !this.scheduled && !this.syncing) {
      for (const resolve of this.drained.splice(0)) resolve();
    }
  }

  private runBatch(batch: readonly Job[]): Outcome[] {
    const db = this.db;
    try {
      // A transaction a failed rollback left open would refuse every BEGIN from now on.
      if (db.inTransaction) sql(db, 'ROLLBACK').run();
      this.guard?.beforeWrite();
      sql(db, 'BEGIN IMMEDIATE').run();
    } catch (error) {
      return this.failAll(batch, error);
    }
    const outcomes: Outcome[] = [];
    for (const job of batch) {
      const outcome = this.runJob(job);
      if (outcome === 'broken') {
        // A job's changes could not be undone alone: nothing of this batch may be committed.
        this.rollback();
        return this.failAll(batch, 'a job of the batch could not be rolled back on its own');
      }
      outcomes.push(outcome);
    }
    if (!db.inTransaction) {
      // SQLite rolled the whole transaction back (disk full, I/O error): nothing in it was written.
      const lost = outcomes.find((o) => !o.ok);
      const reason = lost && !lost.ok ? lost.error : 'transaction rolled back';
      return this.failAll(batch, XportError.is(reason) && reason.cause !== undefined ? reason.cause : reason);
    }
    try {
      sql(db, 'COMMIT').run();
      return outcomes;
    } catch (error) {
      this.rollback();
      return this.failAll(batch, error);
    }
  }

  /** Every job of the batch fails with the storage error, named after its own action. */
  private failAll(batch: readonly Job[], cause: unknown): Outcome[] {
    return batch.map((job) => ({ ok: false, error: toStorageError(this.path, job.action, cause) }));
  }

  /** Ends the open transaction; if even that fails, the next batch tries again before it begins. */
  private rollback(): void {
    try {
      if (this.db.inTransaction) sql(this.db, 'ROLLBACK').run();
    } catch {
      // Left for runBatch: it rolls back before its BEGIN, and fails its batch while it cannot.
    }
  }

  private runJob(job: Job): Outcome | 'broken' {
    const db = this.db;
    if (!db.inTransaction) return { ok: false, error: toStorageError(this.path, job.action, 'transaction rolled back by an earlier failure') };
    try {
      sql(db, 'SAVEPOINT job').run();
    } catch (error) {
      return { ok: false, error: toStorageError(this.path, job.action, error) };
    }
    try {
      const value = job.work(db);
      sql(db, 'RELEASE job').run();
      return { ok: true, value };
    } catch (error) {
      try {
        if (db.inTransaction) {
          sql(db, 'ROLLBACK TO job').run();
          sql(db, 'RELEASE job').run();
        }
      } catch {
        return 'broken';
      }
      return { ok: false, error: toStoreError(this.path, job.action, error) };
    }
  }
}
