/** What a store does when its first `onWork` listener arrives and when its last one leaves. */
export interface WorkListenerHooks {
  /** E.g. start polling another process's commits, or open a LISTEN connection. */
  readonly onFirst?: () => void;
  readonly onLast?: () => void;
}

/**
 * The listeners behind a store's `onWork`, for store authors. Emission is deferred and coalesced
 * (one `setImmediate` however many writes), so a listener never runs inside a store call, and one
 * faulty listener never keeps the others from hearing about work.
 *
 * @example
 * const work = new WorkListeners({ onFirst: () => startPolling(), onLast: () => stopPolling() });
 * const store = { onWork: (listener) => work.add(listener), async submit(r) { …; work.emit(); } };
 */
export class WorkListeners {
  private readonly listeners = new Set<() => void>();
  private scheduled = false;

  constructor(private readonly hooks: WorkListenerHooks = {}) {}

  get size(): number {
    return this.listeners.size;
  }

  /** Adds a listener; the returned function removes it (a wrapper per call: the same function may subscribe twice). */
  add(listener: () => void): () => void {
    const entry = (): void => listener();
    this.listeners.add(entry);
    if (this.listeners.size === 1) this.hooks.onFirst?.();
    return () => {
      if (this.listeners.delete(entry) && this.listeners.size === 0) this.hooks.onLast?.();
    };
  }

  /** Tells every listener, once, on the next turn of the event loop, that work may be due. */
  emit(): void {
    if (this.scheduled || this.listeners.size === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      for (const listener of [...this.listeners]) {
        try {
          listener();
        } catch (error) {
          process.emitWarning(`xport store onWork listener threw: ${String(error)}`);
        }
      }
    });
  }

  /** Drops every listener (at close). */
  clear(): void {
    const had = this.listeners.size > 0;
    this.listeners.clear();
    if (had) this.hooks.onLast?.();
  }
}
