/**
 * The waits between attempts, injectable so tests fire them by hand instead of sleeping.
 * `wait` resolves after `delayMs`, or at once when `signal` aborts.
 */
export interface RetryTimer {
  wait(delayMs: number, signal: AbortSignal): Promise<void>;
}

/** Real timers, `unref()`ed: a pending retry never keeps the process alive on its own. */
export const systemRetryTimer: RetryTimer = {
  wait(delayMs, signal) {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, delayMs);
      timer.unref();
      signal.addEventListener('abort', done, { once: true });
    });
  },
};
