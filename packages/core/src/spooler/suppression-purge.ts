import { suppressionPurgeBefore } from '@xport/provider-sdk';
import type { SpoolerHost } from './host.js';
import { DEFAULT_REPORT_OPTIONS } from './report-options.js';

type PurgeHost = Pick<SpoolerHost, 'store' | 'logger' | 'reports' | 'clock'>;

/** Entries removed per store call: one short write at a time, never the whole list in one transaction. */
export const SUPPRESSION_PURGE_BATCH = 500;
const PURGE_EVERY_MS = 3_600_000;

/**
 * Removes the suppression entries that no longer suppress anything — not added by hand, last hard
 * bounce more than `reports.suppression.ttlMs` ago — in batches of `batch`, until a batch comes
 * back short. Returns how many it removed; 0 when the list is off or the store keeps none.
 *
 * @example
 * await purgeExpiredSuppressions(host); // 3
 */
export async function purgeExpiredSuppressions(host: PurgeHost, batch = SUPPRESSION_PURGE_BATCH): Promise<number> {
  const { suppression } = host.reports ?? DEFAULT_REPORT_OPTIONS;
  const list = host.store.suppression;
  if (!suppression.enabled || list === undefined) return 0;
  const before = suppressionPurgeBefore(host.clock.now(), suppression);
  let total = 0;
  for (;;) {
    const purged = await list.purgeExpired(before, batch);
    total += purged;
    if (purged < batch) break;
  }
  if (total > 0) host.logger.info('purged expired suppression entries', { count: total, ttlMs: suppression.ttlMs });
  return total;
}

/**
 * Purges expired suppression entries now and then hourly, on an unref'd timer, while the spooler
 * runs. A purge that fails is logged and tried again at the next hour. Returns the stop function and
 * the first run (settled, never rejected), which tests await.
 */
export function startSuppressionPurge(host: PurgeHost): { readonly stop: () => void; readonly firstRun: Promise<number> } {
  const run = (): Promise<number> =>
    purgeExpiredSuppressions(host).catch((err: unknown) => {
      host.logger.warn('could not purge expired suppression entries; the next hourly run tries again', { error: String(err) });
      return 0;
    });
  const firstRun = run();
  const timer = setInterval(() => void run(), PURGE_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer), firstRun };
}
