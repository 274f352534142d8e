import type { DestinationLimits, PerDestinationLimits } from './host.js';

/** The per-destination limits xport.config.json applies when a transport lists none (docs/configuration.md). */
export const DEFAULT_DESTINATION_LIMITS: DestinationLimits = Object.freeze({ concurrency: 0, ratePerSecond: 0, suspendAfterFailures: 5 });

const patterns = new Map<string, RegExp>();

/** Whether `destination` matches `pattern`: `*` stands for any run of characters, case is ignored. */
export function matchesDestination(pattern: string, destination: string): boolean {
  let re = patterns.get(pattern);
  if (!re) {
    const source = pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    patterns.set(pattern, (re = new RegExp(`^${source}$`, 'i')));
  }
  return re.test(destination);
}

/**
 * The limits of one destination: the first override whose pattern matches it, over the transport's
 * per-destination defaults.
 *
 * @example
 * limitsOfDestination({ concurrency: 4, ratePerSecond: 0, suspendAfterFailures: 5, overrides: [{ destination: '*.example.org', concurrency: 1 }] }, 'mx.example.org').concurrency // 1
 */
export function limitsOfDestination(perDestination: PerDestinationLimits | undefined, destination: string): DestinationLimits {
  if (perDestination === undefined) return DEFAULT_DESTINATION_LIMITS;
  const base: DestinationLimits = {
    concurrency: perDestination.concurrency,
    ratePerSecond: perDestination.ratePerSecond,
    suspendAfterFailures: perDestination.suspendAfterFailures,
  };
  const override = perDestination.overrides.find((o) => matchesDestination(o.destination, destination));
  if (override === undefined) return base;
  return {
    concurrency: override.concurrency ?? base.concurrency,
    ratePerSecond: override.ratePerSecond ?? base.ratePerSecond,
    suspendAfterFailures: override.suspendAfterFailures ?? base.suspendAfterFailures,
  };
}
