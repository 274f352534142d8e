/**
 * Timers and randomness for retries, injectable so tests can fire retries by hand instead of waiting.
 * `schedule` returns the function that cancels it.
 */
export interface Scheduler {
  schedule(run: () => void, delayMs: number): () => void;
  random(): number;
}

/** Real timers, `unref()`ed so a pending logon retry never keeps the process alive on its own. */
export const systemScheduler: Scheduler = {
  schedule(run, delayMs) {
    const timer = setTimeout(run, delayMs);
    timer.unref();
    return () => clearTimeout(timer);
  },
  random: () => Math.random(),
};
