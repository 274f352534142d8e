import type { Logger } from '@xport/provider-sdk';

export interface SqliteStoreOptions {
  /** Database file (absolute, or relative to the working directory). `:memory:` for a private throwaway store. */
  readonly path: string;
  /** `FULL` (default): a commit survives power loss. `NORMAL`: it survives a crash of the process. */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /** Finished messages older than this many days are purged (checked at open and hourly). 0: never. Default `STORE_DEFAULTS.sentRetentionDays` (30). */
  readonly sentRetentionDays?: number;
  /** How long a write waits for another process's lock before failing with `XPORT_STORE_UNAVAILABLE`. Default 5000. */
  readonly busyTimeoutMs?: number;
  /** Bytes per stored content chunk. Default 256 KiB. */
  readonly chunkSize?: number;
  /** A size quota: writes beyond it fail with `XPORT_STORE_FULL`, as on a full disk. */
  readonly maxSizeBytes?: number;
  /** How often to look for other processes' commits while `onWork` listeners exist. Default 200 ms; 0 disables. */
  readonly workPollMs?: number;
  /**
   * How long a group commit waits for more writes before it commits, in ms. 0 (default): the writes
   * of one event-loop turn. A few ms lets writes that trickle in one per turn (an SMTP relay's
   * replies) share one WAL sync; every write then waits up to that long.
   */
  readonly commitWindowMs?: number;
  /**
   * Who moves the WAL into the database file. `worker` (default): a worker thread with a connection
   * of its own, between group commits, once the WAL holds 128 pages (and 50 ms after the last commit
   * once writes stop), so the copying and syncing of a checkpoint runs off the event loop; the writer
   * still checkpoints itself at 256 pages, for a batch that alone crosses that. `writer`: SQLite's own
   * way, inside the `COMMIT` that takes the WAL past 256 pages.
   */
  readonly checkpoints?: 'worker' | 'writer';
  /** Where quarantined records are reported. */
  readonly logger?: Logger;
}
