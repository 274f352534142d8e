import type { Logger } from './services.js';

const DAY_MS = 86_400_000;
const CHECK_EVERY_MS = 3_600_000;

/**
 * Purges finished (sent) messages older than `days`, now and then hourly, on an unref'd timer;
 * returns the function that stops it. Safe with several processes on one store: they share the work.
 *
 * @example
 * const stop = startSentRetention(30, (before) => store.purgeSent(before), logger);
 */
export function startSentRetention(days: number, purge: (before: number) => Promise<number>, logger: Logger | undefined): () => void {
  const run = (): void => {
    purge(Date.now() - days * DAY_MS).then(
      (count) => {
        if (count > 0) logger?.info(`purged ${count} sent message(s) older than ${days} day(s)`, { count, days });
      },
      (error: unknown) => logger?.warn(`could not purge sent messages: ${String(error)}`, { days }),
    );
  };
  run();
  const timer = setInterval(run, CHECK_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
