import { toMailboxKey, type Recipient } from '../address.js';
import { XportError } from '../errors.js';
import type { HardBounce, MessageStore, SuppressionEntry, SuppressionStore } from '../store.js';

/** When hard bounces suppress an address (the kernel's `reports.suppression`). */
export interface SuppressionPolicy {
  /** Hard bounces within `ttlMs` of each other that suppress the address. */
  readonly afterHardBounces: number;
  /** How long after its last hard bounce an address stays suppressed. */
  readonly ttlMs: number;
}

/**
 * The key an address is listed under: its mailbox key, so `Ada@Example.ORG` and `Ada@example.org`
 * are one entry (the local part keeps its case).
 *
 * @example
 * suppressionKey({ type: 'smtp', address: 'Ada@Example.ORG' }) // 'smtp:Ada@example.org'
 */
export function suppressionKey(recipient: Recipient): string {
  return toMailboxKey(recipient);
}

/** The time before which earlier bounces no longer count, for a bounce recorded at `at`. */
export function hardBounceCountSince(at: number, policy: SuppressionPolicy): number {
  return at - policy.ttlMs;
}

/**
 * The count after one more hard bounce: the entry's count plus one, or 1 when there was no entry or
 * its last bounce is older than `bounce.countSince` (SQL stores write the same as a CASE).
 */
export function hardBounceCount(existing: SuppressionEntry | undefined, bounce: HardBounce): number {
  if (existing === undefined || existing.lastBounceAt === null || existing.lastBounceAt < bounce.countSince) return 1;
  return existing.hardBounces + 1;
}

/**
 * When an entry stops suppressing: `ttlMs` after its last hard bounce; null for one added by hand
 * (it suppresses until removed) or one that has not reached the count.
 */
export function suppressionExpiresAt(entry: SuppressionEntry, policy: SuppressionPolicy): number | null {
  if (entry.manual || entry.lastBounceAt === null || entry.hardBounces < policy.afterHardBounces) return null;
  return entry.lastBounceAt + policy.ttlMs;
}

/**
 * True when an entry suppresses its address at `now`: added by hand, or `afterHardBounces` hard
 * bounces counted and the last one less than `ttlMs` ago.
 *
 * @example
 * isSuppressed({ address: 'smtp:a@b.example', hardBounces: 1, lastBounceAt: 0, manual: false, updatedAt: 0 }, { afterHardBounces: 1, ttlMs: 1000 }, 999) // true
 */
export function isSuppressed(entry: SuppressionEntry, policy: SuppressionPolicy, now: number): boolean {
  if (entry.manual) return true;
  const expiresAt = suppressionExpiresAt(entry, policy);
  return expiresAt !== null && expiresAt > now;
}

/** An entry as the CLI and the HTTP API show it: with whether it suppresses now, and until when. */
export interface SuppressionStatus extends SuppressionEntry {
  readonly suppressed: boolean;
  /** When it stops suppressing (epoch ms); null when added by hand, or below the count. */
  readonly expiresAt: number | null;
}

/** {@link SuppressionStatus} of an entry at `now`. */
export function toSuppressionStatus(entry: SuppressionEntry, policy: SuppressionPolicy, now: number): SuppressionStatus {
  return { ...entry, suppressed: isSuppressed(entry, policy, now), expiresAt: suppressionExpiresAt(entry, policy) };
}

/** The store's suppression list, or `XPORT_SUPPRESSION_UNSUPPORTED` when the store keeps none (it is optional). */
export function suppressionListOf(store: MessageStore): SuppressionStore {
  if (store.suppression !== undefined) return store.suppression;
  throw new XportError('XPORT_SUPPRESSION_UNSUPPORTED', 'the configured message store keeps no suppression list (MessageStore.suppression is not implemented)', {
    details: { expected: 'MessageStore.suppression', found: 'none' },
  });
}

/**
 * The time before which an entry's last hard bounce no longer suppresses anything at `now`
 * (`now - ttlMs`): an entry not added by hand whose last bounce is older can be purged, since a new
 * bounce would start its count again at 1 anyway.
 *
 * @example
 * suppressionPurgeBefore(100_000, { afterHardBounces: 1, ttlMs: 30_000 }) // 70_000
 */
export function suppressionPurgeBefore(now: number, policy: SuppressionPolicy): number {
  return now - policy.ttlMs;
}

/**
 * True when {@link SuppressionStore.purgeExpired} may remove the entry: not added by hand, and its
 * last hard bounce is before `expiredBefore`. SQL stores write the same condition
 * (`manual = 0 AND last_bounce_at < ?`).
 */
export function isPurgeableSuppression(entry: SuppressionEntry, expiredBefore: number): boolean {
  return !entry.manual && entry.lastBounceAt !== null && entry.lastBounceAt < expiredBefore;
}
