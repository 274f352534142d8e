/**
 * "Something new may be in the log": a latch a worker waits on. A signal given while the worker was
 * busy is kept, so the worker reads once more instead of missing it.
 */
export class WakeSignal {
  private pending = false;
  private waiter: (() => void) | undefined;

  give(): void {
    this.pending = true;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  next(): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiter = () => {
        this.pending = false;
        resolve();
      };
    });
  }
}
