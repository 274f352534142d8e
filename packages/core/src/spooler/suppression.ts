import {
  classifyBounce,
  hardBounceCountSince,
  isSuppressed,
  suppressionKey,
  type Recipient,
  type RecipientError,
  type SuppressionEntry,
  type SuppressionStore,
} from '@xport/provider-sdk';
import type { SpoolerHost } from './host.js';
import { DEFAULT_REPORT_OPTIONS } from './report-options.js';
import type { RoutedRecipient } from './route-recipients.js';

/**
 * RFC 3463 X.7.1 (delivery not authorised, message refused): a suppressed recipient is refused by
 * local policy. A policy status, so the NDR it gets is not counted as one more hard bounce.
 */
export const SUPPRESSED_STATUS = '5.7.1';

/** What the suppression list needs from the spooler's host (the inbound path has no more). */
type SuppressionHost = Pick<SpoolerHost, 'store' | 'logger' | 'reports'>;

/** The store's suppression list when the list is in use (enabled, and the store keeps one). */
function suppressionList(host: SuppressionHost): SuppressionStore | undefined {
  const { suppression } = host.reports ?? DEFAULT_REPORT_OPTIONS;
  return suppression.enabled ? host.store.suppression : undefined;
}

/** The diagnostic of a recipient failed at submit because its address is suppressed. */
export function suppressedError(entry: SuppressionEntry): RecipientError {
  const why = entry.manual
    ? `added by hand${entry.reason !== undefined ? `: ${entry.reason}` : ''}`
    : `${entry.hardBounces} hard bounce${entry.hardBounces === 1 ? '' : 's'}${entry.lastError !== undefined ? `, last ${entry.lastError.diagnostic}` : ''}`;
  return { code: SUPPRESSED_STATUS, diagnostic: `XPORT_RECIPIENT_SUPPRESSED: ${entry.address} is suppressed (${why})` };
}

/**
 * Fails the routed recipients whose address is suppressed at `now` (one store lookup for the
 * message): no transport, `failed`, with {@link suppressedError}. The others are returned as they are.
 */
export async function failSuppressed(host: SuppressionHost, routed: RoutedRecipient[], now: number): Promise<RoutedRecipient[]> {
  const list = suppressionList(host);
  if (list === undefined) return routed;
  const keys = routed.map((r) => (r.provider === null ? undefined : suppressionKey(r.recipient)));
  const wanted = keys.filter((k): k is string => k !== undefined);
  if (wanted.length === 0) return routed;
  const policy = (host.reports ?? DEFAULT_REPORT_OPTIONS).suppression;
  const suppressed = new Map<string, SuppressionEntry>();
  for (const entry of await list.findSuppressions(wanted)) if (isSuppressed(entry, policy, now)) suppressed.set(entry.address, entry);
  if (suppressed.size === 0) return routed;
  return routed.map((r, i) => {
    const entry = keys[i] === undefined ? undefined : suppressed.get(keys[i]);
    return entry === undefined ? r : { recipient: r.recipient, role: r.role, provider: null, state: 'failed', lastError: suppressedError(entry) };
  });
}

/**
 * Counts a hard bounce against each recipient a transport failed for good, or an inbound DSN
 * reports failed, with a status classified `hard`. A count that cannot be written is logged: the failure itself is already settled.
 */
export async function recordHardBounces(host: SuppressionHost, failures: ReadonlyArray<{ readonly recipient: Recipient; readonly error: RecipientError }>, now: number): Promise<void> {
  const list = suppressionList(host);
  if (list === undefined) return;
  const policy = (host.reports ?? DEFAULT_REPORT_OPTIONS).suppression;
  for (const { recipient, error } of failures) {
    if (classifyBounce(error.code, error.diagnostic)?.class !== 'hard') continue;
    const address = suppressionKey(recipient);
    try {
      const entry = await list.recordHardBounce({ address, at: now, error, countSince: hardBounceCountSince(now, policy) });
      if (isSuppressed(entry, policy, now)) host.logger.info('address suppressed after a hard bounce', { address, hardBounces: entry.hardBounces, status: error.code });
    } catch (err) {
      host.logger.warn('could not record a hard bounce for the suppression list', { address, status: error.code, error: String(err) });
    }
  }
}
