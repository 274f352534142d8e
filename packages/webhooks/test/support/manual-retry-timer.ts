import type { RetryTimer } from '../../src/index.js';

/**
 * Waits between attempts that pass only when the test says so: `nextWait()` resolves with the delay
 * asked for once the dispatcher waits, `fire()` ends every pending wait. No test sleeps.
 */
export class ManualRetryTimer implements RetryTimer {
  readonly delays: number[] = [];
  private pending: Array<() => void> = [];
  private watchers: Array<(delayMs: number) => void> = [];

  wait(delayMs: number, signal: AbortSignal): Promise<void> {
    this.delays.push(delayMs);
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
      this.pending.push(resolve);
      const watchers = this.watchers;
      this.watchers = [];
      for (const watcher of watchers) watcher(delayMs);
    });
  }

  /** Resolves when a wait is pending (at once if one already is). */
  nextWait(): Promise<number> {
    if (this.pending.length > 0) return Promise.resolve(this.delays.at(-1)!);
    return new Promise((resolve) => this.watchers.push(resolve));
  }

  fire(): void {
    const pending = this.pending;
    this.pending = [];
    for (const resolve of pending) resolve();
  }
}
