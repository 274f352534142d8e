import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { endianness } from 'node:os';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { checkpointWorkerMain, type CheckpointReply, type CheckpointRequest, type CheckpointWorkerData } from './checkpoint-worker.js';
import { storeFiles } from './store-files.js';

/** The WAL index is in the machine's byte order. */
const LITTLE_ENDIAN = endianness() === 'LE';

/** What a group commit needs of a checkpointer (`Checkpointer`; a test gives its own). */
export interface BatchCheckpoint {
  /** Whether a checkpoint should follow the commit that just went through (`idle`: the last one, writes stopped since). */
  due(idle?: boolean): boolean;
  /** How long after the last commit a checkpoint follows once writes stop (ms); undefined once stopped for good. */
  readonly intervalMs: number | undefined;
  /** Runs one; resolves when it is over, whatever came of it (never rejects). */
  checkpoint(): Promise<void>;
}

/** How a {@link Checkpointer} runs; tests shorten the interval or break the driver. */
export interface CheckpointerOptions {
  /** A checkpoint follows a commit that leaves at least this many frames in the WAL. */
  readonly frames: number;
  /** Once writes stop, a checkpoint follows the last commit this long after it (ms), if a commit wrote frames since the last checkpoint. */
  readonly intervalMs: number;
  /** Called once if the worker cannot run (it did not start, or it died): the writer must checkpoint itself again. */
  readonly onStopped: (error: Error) => void;
  /** Called once the worker is ready to checkpoint. */
  readonly onReady?: () => void;
  /** Called with each checkpoint's reply (the store logs failures; tests wait on it). */
  readonly onReply?: (reply: CheckpointReply) => void;
  /** The driver's module path; better-sqlite3 as this package resolves it, unless a test says otherwise. */
  readonly driver?: string;
}

/**
 * Moves WAL frames into the database file off the event loop. Left to the writer's connection, a
 * checkpoint runs inside the `COMMIT` that crosses `wal_autocheckpoint`: it copies the WAL's pages
 * and syncs the WAL and the database file while the event loop waits. Here a worker thread with a
 * connection of its own does it, after a commit that leaves `frames` or more in the WAL (read from
 * the WAL index's header, `mxFrame`), before the writer's own threshold; the group commit starts its
 * next batch once the checkpoint is over (as it waits for a WAL sync), so the checkpoint takes every
 * frame and that batch starts the WAL again from its beginning. The WAL stays as small as before,
 * and the writer's own autocheckpoint fires only for a batch that alone crosses its threshold.
 *
 * The worker starts with the first checkpoint due (a store opened for a moment, by a CLI command,
 * never starts it), and does not keep the process alive.
 */
export class Checkpointer implements BatchCheckpoint {
  private worker: Worker | undefined;
  private ready = false;
  private stopped = false;
  private lastAt = performance.now();
  private waiting: (() => void) | undefined;
  private readonly shm: string;
  private shmFd: number | undefined;
  private readonly header = Buffer.alloc(20);
  /** `iChange` of the WAL index header when the last checkpoint began: no commit since, nothing new to move. */
  private changeAtCheckpoint: number | undefined;
  /** `iChange` as `due()` last read it: the checkpoint that follows starts from there. */
  private changeSeen: number | undefined;

  constructor(
    private readonly path: string,
    private readonly options: CheckpointerOptions,
  ) {
    this.shm = storeFiles(path).shm;
  }

  get intervalMs(): number | undefined {
    return this.stopped ? undefined : this.options.intervalMs;
  }

  due(idle = false): boolean {
    if (this.stopped || this.waiting !== undefined) return false;
    const { change, frames } = this.walHeader();
    this.changeSeen = change;
    if (idle ? frames === 0 || change === this.changeAtCheckpoint || performance.now() - this.lastAt < this.options.intervalMs : frames < this.options.frames) return false;
    if (this.worker === undefined) this.worker = this.spawn();
    return this.ready;
  }

  /**
   * From the WAL index header (native byte order; see https://www.sqlite.org/walformat.html), read,
   * never mapped: `iChange` (offset 8), counted up by every commit that writes frames, and `mxFrame`
   * (offset 16), the frames in the WAL. Nothing while there is no index.
   */
  private walHeader(): { change: number | undefined; frames: number } {
    try {
      this.shmFd ??= openSync(this.shm, 'r');
      if (readSync(this.shmFd, this.header, 0, 20, 0) < 20) return { change: undefined, frames: 0 };
      const read = (offset: number): number => (LITTLE_ENDIAN ? this.header.readUInt32LE(offset) : this.header.readUInt32BE(offset));
      return { change: read(8), frames: read(16) };
    } catch {
      return { change: undefined, frames: 0 };
    }
  }

  checkpoint(): Promise<void> {
    const worker = this.worker;
    if (this.stopped || !this.ready || worker === undefined || this.waiting !== undefined) return Promise.resolve();
    this.lastAt = performance.now();
    // Read by the due() just before it: no commit can come in between.
    this.changeAtCheckpoint = this.changeSeen;
    return new Promise((resolve) => {
      this.waiting = resolve;
      worker.postMessage('checkpoint' satisfies CheckpointRequest);
    });
  }

  /** Stops: no checkpoint starts from now on; resolves once the worker's connection is closed. */
  async close(): Promise<void> {
    this.stopped = true;
    this.release();
    if (this.shmFd !== undefined) closeSync(this.shmFd);
    this.shmFd = undefined;
    const worker = this.worker;
    this.worker = undefined;
    if (worker === undefined) return;
    // Referenced again: the caller waits for the exit, and nothing else may keep the process alive meanwhile.
    worker.ref();
    const exited = once(worker, 'exit');
    worker.postMessage('close' satisfies CheckpointRequest);
    await exited;
  }

  private spawn(): Worker {
    const data: CheckpointWorkerData = {
      path: this.path,
      shm: this.shm,
      driver: this.options.driver ?? createRequire(import.meta.url).resolve('better-sqlite3'),
    };
    const worker = new Worker(`(${checkpointWorkerMain.toString()})(require)`, { eval: true, workerData: data });
    worker.unref();
    worker.on('message', (reply: CheckpointReply) => this.answered(reply));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`the checkpoint worker exited with code ${code}`)));
    return worker;
  }

  private answered(reply: CheckpointReply): void {
    if (reply.kind === 'ready') {
      this.ready = true;
      this.options.onReady?.();
      return;
    }
    this.options.onReply?.(reply);
    this.release();
  }

  private release(): void {
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve?.();
  }

  private fail(error: Error): void {
    if (this.stopped) return;
    this.stopped = true;
    this.release();
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    this.options.onStopped(error);
  }
}
