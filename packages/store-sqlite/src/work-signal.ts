import type { Database } from 'better-sqlite3';
import { WorkListeners } from '@xport/provider-sdk';

/**
 * Tells listeners that new work may be due: after this process's writes, and — while anyone listens —
 * after other processes' commits, seen as a change of `PRAGMA data_version` (polled, timer unref'd).
 */
export class WorkSignal {
  private readonly listeners = new WorkListeners({ onFirst: () => this.startPolling(), onLast: () => this.stopPolling() });
  private timer: NodeJS.Timeout | undefined;
  private seenVersion = 0;

  constructor(
    private readonly db: () => Database | undefined,
    private readonly pollMs: number,
  ) {}

  add(listener: () => void): () => void {
    const remove = this.listeners.add(listener);
    // Also for a listener added before open(): polling starts once there is a database.
    this.startPolling();
    return remove;
  }

  emit(): void {
    this.listeners.emit();
  }

  clear(): void {
    this.listeners.clear();
    this.stopPolling();
  }

  private startPolling(): void {
    if (this.timer || this.pollMs <= 0) return;
    const db = this.db();
    if (!db) return;
    this.seenVersion = this.readVersion(db) ?? 0;
    this.timer = setInterval(() => this.poll(), this.pollMs);
    this.timer.unref();
  }

  /** The database's data_version, or undefined when it cannot be read now (disk trouble: the next poll tries again). */
  private readVersion(db: Database): number | undefined {
    try {
      return db.pragma('data_version', { simple: true }) as number;
    } catch {
      // Thrown out of a timer this would end the process; the store's own calls report the trouble.
      return undefined;
    }
  }

  private stopPolling(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private poll(): void {
    const db = this.db();
    if (!db?.open) return;
    // data_version changes when another connection commits; our own commits do not move it.
    const version = this.readVersion(db);
    if (version === undefined || version === this.seenVersion) return;
    this.seenVersion = version;
    this.emit();
  }
}
