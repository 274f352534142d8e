/** What one job of a batch came to: its own value or its own error. */
export type JobOutcome<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };

interface Pending<J, R> {
  readonly job: J;
  readonly key: string;
  readonly resolve: (value: R) => void;
  readonly reject: (error: unknown) => void;
}

export interface GroupCommitOptions<J, R> {
  /** Writes every job of a batch in one statement (one commit); returns one outcome per job, in order. */
  readonly write: (jobs: readonly J[]) => Promise<Array<JobOutcome<R>>>;
  /** Jobs with the same key never share a batch (one row must not be written twice by one statement). */
  readonly keyOf: (job: J) => string;
  readonly maxBatch?: number;
}

/**
 * Group commit for one kind of write: jobs that arrive while the previous batch is being committed
 * (or in the same turn of the event loop) go to the database together, so N concurrent writers
 * cost one round trip and one WAL flush instead of N. No job resolves before its batch committed,
 * and each gets its own result or error.
 */
export class GroupCommit<J, R> {
  private readonly queue: Array<Pending<J, R>> = [];
  private busy = false;
  private scheduled = false;
  private idle: Array<() => void> = [];
  // Statements of another kind waiting for the end of this turn to carry its jobs (carry()).
  private readonly carriers: Array<(batch: Array<Pending<J, R>> | undefined) => Promise<void>> = [];
  private readonly maxBatch: number;

  constructor(private readonly options: GroupCommitOptions<J, R>) {
    this.maxBatch = options.maxBatch ?? 500;
  }

  run(job: J): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ job, key: this.options.keyOf(job), resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every job queued so far has been written (or has failed). */
  drained(): Promise<void> {
    if (!this.busy && !this.scheduled && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /**
   * Lets a statement of another kind carry the jobs of this turn. At the end of the turn (when this
   * kind's own batch would go), if no batch is being written and jobs are queued, `write` gets them
   * (at most one batch; with several carriers in one turn, the first) and must hand their outcomes,
   * one per job in order, to `settle` before it resolves; a job it did not settle gets the error
   * `write` threw. Otherwise `alone` runs, at once when a batch is being written. While `write`
   * runs, no batch of this kind is written, as if it were one.
   */
  carry<T>(write: (jobs: readonly J[], settle: (outcomes: Array<JobOutcome<R>>) => void) => Promise<T>, alone: () => Promise<T>): Promise<T> {
    if (this.busy) return alone();
    return new Promise<T>((resolve, reject) => {
      this.carriers.push(async (batch) => {
        try {
          resolve(batch === undefined ? await alone() : await this.carried(batch, write));
        } catch (error) {
          reject(error);
        }
      });
      this.schedule();
    });
  }

  private async carried<T>(batch: Array<Pending<J, R>>, write: (jobs: readonly J[], settle: (outcomes: Array<JobOutcome<R>>) => void) => Promise<T>): Promise<T> {
    let settled = false;
    const settle = (outcomes: ReadonlyArray<JobOutcome<R>>): void => {
      if (settled) return;
      settled = true;
      this.settle(batch, outcomes);
    };
    try {
      return await write(
        batch.map((p) => p.job),
        settle,
      );
    } catch (error) {
      settle(batch.map(() => ({ ok: false, error })));
      throw error;
    } finally {
      settle(batch.map(() => ({ ok: false, error: new Error('group commit: the carrying statement returned no outcome for this job') })));
    }
  }

  private schedule(): void {
    if (this.busy || this.scheduled) return;
    this.scheduled = true;
    // setImmediate, not a microtask: it gathers the writes issued from every I/O callback of this turn.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private takeBatch(): Array<Pending<J, R>> {
    const batch: Array<Pending<J, R>> = [];
    const keys = new Set<string>();
    for (let i = 0; i < this.queue.length && batch.length < this.maxBatch; ) {
      const pending = this.queue[i]!;
      if (keys.has(pending.key)) {
        i += 1;
        continue;
      }
      keys.add(pending.key);
      batch.push(pending);
      this.queue.splice(i, 1);
    }
    return batch;
  }

  private async flush(): Promise<void> {
    const carriers = this.carriers.splice(0);
    if (carriers.length > 0 && !this.busy && this.queue.length > 0) {
      this.busy = true;
      const batch = this.takeBatch();
      for (const carrier of carriers.slice(1)) void carrier(undefined);
      await carriers[0]!(batch);
      return this.next();
    }
    for (const carrier of carriers) void carrier(undefined);
    if (this.busy || this.queue.length === 0) return this.settleIdle();
    this.busy = true;
    const batch = this.takeBatch();
    let outcomes: Array<JobOutcome<R>>;
    try {
      outcomes = await this.options.write(batch.map((p) => p.job));
    } catch (error) {
      outcomes = batch.map(() => ({ ok: false, error }));
    }
    this.settle(batch, outcomes);
    this.next();
  }

  private next(): void {
    this.busy = false;
    // What queued up during this commit goes out now, as the next batch.
    if (this.queue.length > 0) void this.flush();
    else this.settleIdle();
  }

  private settle(batch: ReadonlyArray<Pending<J, R>>, outcomes: ReadonlyArray<JobOutcome<R>>): void {
    batch.forEach((pending, i) => {
      const outcome = outcomes[i] ?? { ok: false, error: new Error('group commit: the batch returned no outcome for this job') };
      if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(outcome.error);
    });
  }

  private settleIdle(): void {
    if (this.busy || this.queue.length > 0) return;
    for (const resolve of this.idle.splice(0)) resolve();
  }
}
