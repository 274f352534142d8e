import type { Logger } from '@xport/provider-sdk';

const DAY_MS = 86_400_000;
const CHECK_EVERY_MS = 3_600_000;

/**
 * Purges finished messages older than `days` now and hourly; returns the function that stops it.
 * Several daemons may run it against one schema: purging is a plain DELETE, so they simply share the work.
 */
export function startRetention(days: number, purge: (before: number) => Promise<number>, logger: Logger | undefined): () => void {
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
