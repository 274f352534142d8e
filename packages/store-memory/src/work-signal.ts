/** Listeners told that new work may be due. Emission is deferred so a listener never runs inside a store call. */
export class WorkSignal {
  private readonly listeners = new Set<() => void>();
  private scheduled = false;

  get size(): number {
    return this.listeners.size;
  }

  add(listener: () => void): () => void {
    // A wrapper per subscription, so the same function may subscribe twice and unsubscribe once.
    const entry = (): void => listener();
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
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
  }
}
