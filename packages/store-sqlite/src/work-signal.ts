import type { Database } from 'better-sqlite3';

/**
 * Tells listeners that new work may be due: after this process's writes, and — while anyone listens —
 * after other processes' commits, seen as a change of `PRAGMA data_version` (polled, timer unref'd).
 */
export class WorkSignal {
  private readonly listeners = new Set<() => void>();
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private seenVersion = 0;

  constructor(
    private readonly db: () => Database | undefined,
    private readonly pollMs: number,
  ) {}

  add(listener: () => void): () => void {
    const entry = (): void => listener();
    this.listeners.add(entry);
    this.startPolling();
    return () => {
      this.listeners.delete(entry);
      if (this.listeners.size === 0) this.stopPolling();
    };
  }

  emit(): void {
    if (this.scheduled || this.listeners.size === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      for (const listener of [...this.listeners]) {
        try {
          listener();
        } catch (error) {
          // One faulty listener must not keep the others from hearing about work.
          process.emitWarning(`xport store onWork listener threw: ${String(error)}`);
        }
      }
    });
  }

  clear(): void {
    this.listeners.clear();
    this.stopPolling();
  }

  private startPolling(): void {
    const db = this.db();
    if (this.timer || !db || this.pollMs <= 0) return;
    this.seenVersion = db.pragma('data_version', { simple: true }) as number;
    this.timer = setInterval(() => this.poll(), this.pollMs);
    this.timer.unref();
  }

  private stopPolling(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private poll(): void {
    const db = this.db();
    if (!db?.open) return;
    // data_version changes when another connection commits; our own commits do not move it.
    const version = db.pragma('data_version', { simple: true }) as number;
    if (version === this.seenVersion) return;
    this.seenVersion = version;
    this.emit();
  }
}
