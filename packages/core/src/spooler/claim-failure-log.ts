import type { Logger } from '@xport/provider-sdk';

/**
 * Logs a store the spooler cannot claim from once per episode: an error at the first failed look,
 * debug while it lasts, info at the first look that succeeds again. `failuresBefore` and `failures`
 * are the failed looks in a row before and after the drain that just ended.
 */
export function logClaimFailures(logger: Logger, failuresBefore: number, failures: number, error: unknown): void {
  if (failures === 1) logger.error('spooler could not claim work; will try again', { error: String(error) });
  else if (failures > 1) logger.debug('spooler still cannot claim work', { error: String(error), failures });
  else if (failuresBefore > 0) logger.info('spooler claims work again', { failedLooks: failuresBefore });
}
