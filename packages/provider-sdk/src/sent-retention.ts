import type { PurgedHistory } from './history-retention.js';
import type { Logger } from './services.js';

/** A purge: how many sent messages it removed, or (`purgeHistory`) messages and events. */
type Purge = (before: number) => Promise<number | PurgedHistory>;

const DAY_MS = 86_400_000;
const CHECK_EVERY_MS = 3_600_000;

function purgeRun(days: number, purge: Purge, logger: Logger | undefined): () => Promise<void> {
  return () =>
    purge(Date.now() - days * DAY_MS).then(
      (purged) => {
        const { messages, events } = typeof purged === 'number' ? { messages: purged, events: 0 } : purged;
        if (messages > 0) logger?.info(`purged ${messages} sent message(s) older than ${days} day(s)`, { count: messages, days });
        if (events > 0) logger?.info(`purged ${events} delivery event(s) older than ${days} day(s)`, { count: events, days });
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
 * Purges finished (sent) messages older than `days` (with `purgeHistory`: and the delivery events), now and then hourly, on an unref'd timer;
 * returns the function that stops it. Safe with several processes on one store: they share the work.
 *
 * @example
 * const stop = startSentRetention(30, (before) => store.purgeSent(before), logger);
 */
export function startSentRetention(days: number, purge: Purge, logger: Logger | undefined): () => void {
  const run = purgeRun(days, purge, logger);
  void run();
  return every(run);
}

/**
 * Like {@link startSentRetention}, resolved once the first purge is done (a failure is logged, not
 * thrown): a store's `open()` awaits it, so what it serves after opening is already within retention.
 *
 * @example
 * this.stopRetention = await openSentRetention(days, (before) => purgeHistory(this, before), logger);
 */
export async function openSentRetention(days: number, purge: Purge, logger: Logger | undefined): Promise<() => void> {
  const run = purgeRun(days, purge, logger);
  await run();
  return every(run);
}
