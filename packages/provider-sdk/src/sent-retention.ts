import type { Logger } from './services.js';

const DAY_MS = 86_400_000;
const CHECK_EVERY_MS = 3_600_000;

function purgeRun(days: number, purge: (before: number) => Promise<number>, logger: Logger | undefined): () => Promise<void> {
  return () =>
    purge(Date.now() - days * DAY_MS).then(
      (count) => {
        if (count > 0) logger?.info(`purged ${count} sent message(s) older than ${days} day(s)`, { count, days });
      },
      (error: unknown) => logger?.warn(`could not purge sent messages: ${String(error)}`, { days }),
    );
}

function every(run: () => Promise<void>): () => void {
  const timer = setInterval(() => void run(), CHECK_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Purges finished (sent) messages older than `days`, now and then hourly, on an unref'd timer;
 * returns the function that stops it. Safe with several processes on one store: they share the work.
 *
 * @example
 * const stop = startSentRetention(30, (before) => store.purgeSent(before), logger);
 */
export function startSentRetention(days: number, purge: (before: number) => Promise<number>, logger: Logger | undefined): () => void {
  const run = purgeRun(days, purge, logger);
  void run();
  return every(run);
}

/**
 * Like {@link startSentRetention}, resolved once the first purge is done (a failure is logged, not
 * thrown): a store's `open()` awaits it, so what it serves after opening is already within retention.
 *
 * @example
 * this.stopRetention = await openSentRetention(days, (before) => this.purgeSent(before), logger);
 */
export async function openSentRetention(days: number, purge: (before: number) => Promise<number>, logger: Logger | undefined): Promise<() => void> {
  const run = purgeRun(days, purge, logger);
  await run();
  return every(run);
}
