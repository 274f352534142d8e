/**
 * Defaults every xport store applies the same way, whether created by its provider (the manifest's
 * configSchema defaults must equal these: the store conformance suite checks) or directly with its
 * `create*Store` function.
 *
 * @example
 * const days = options.sentRetentionDays ?? STORE_DEFAULTS.sentRetentionDays;
 */
export const STORE_DEFAULTS = {
  /** Finished (sent) messages older than this many days are purged, at open and hourly. 0 keeps them. */
  sentRetentionDays: 30,
} as const;
