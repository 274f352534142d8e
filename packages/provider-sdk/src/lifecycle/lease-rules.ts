import { XportError } from '../errors.js';
import type { Completion, RecipientState } from '../store.js';

/** The recipient a completion names, as the store found it (undefined: no such message or recipient). */
export interface LeaseHolder {
  readonly state: RecipientState;
  /** The current lease, null or undefined when it holds none. */
  readonly leaseId: string | null | undefined;
}

/**
 * True when `leaseId` is still the recipient's lease: it is in flight and nobody re-leased it. An
 * expired lease that nobody took over is still current: its completion is accepted.
 *
 * @example
 * if (!isLeaseCurrent(row, completion.leaseId)) throw staleLeaseError('my store', completion, row);
 */
export function isLeaseCurrent(holder: LeaseHolder, leaseId: string): boolean {
  return holder.state === 'in-flight' && holder.leaseId === leaseId;
}

/**
 * True when a lease expiring at `leaseExpiresAt` has run out at `now` (its claimer is presumed dead,
 * and the recipient is claimable again).
 *
 * @example
 * isLeaseExpired(2100, 2100); // true
 */
export function isLeaseExpired(leaseExpiresAt: number, now: number): boolean {
  return leaseExpiresAt <= now;
}

/**
 * When a lease taken at `now` for `leaseMs` expires.
 *
 * @example
 * leaseExpiry({ now: 2000, leaseMs: 100 }); // 2100
 */
export function leaseExpiry(request: { readonly now: number; readonly leaseMs: number }): number {
  return request.now + request.leaseMs;
}

/**
 * `XPORT_STORE_STALE_LEASE` for a completion whose lease is no longer current, naming the message,
 * the recipient, the lease expected and the one found. `store` labels the store (e.g. its path).
 *
 * @example
 * throw staleLeaseError('sqlite store /var/xport/store.db', completion, { state: 'queued', leaseId: null });
 */
export function staleLeaseError(store: string, completion: Completion, found: LeaseHolder): XportError {
  const { messageId, recipientIndex, leaseId } = completion;
  return new XportError(
    'XPORT_STORE_STALE_LEASE',
    `${store}: message ${messageId} recipient #${recipientIndex}: lease ${leaseId} is no longer current (found ${found.leaseId ?? 'no lease'}, state ${found.state})`,
    { details: { messageId, recipientIndex, expected: leaseId, found: found.leaseId ?? null } },
  );
}

/**
 * `XPORT_STORE_NOT_FOUND` for a completion naming a message or recipient the store does not have.
 *
 * @example
 * throw unknownRecipientError('memory store', completion);
 */
export function unknownRecipientError(store: string, completion: Pick<Completion, 'messageId' | 'recipientIndex'>): XportError {
  const { messageId, recipientIndex } = completion;
  return new XportError('XPORT_STORE_NOT_FOUND', `${store}: message ${messageId} recipient #${recipientIndex} does not exist`, {
    details: { messageId, recipientIndex },
  });
}

/**
 * The lease check every completion passes first: throws `XPORT_STORE_NOT_FOUND` when the recipient
 * is unknown, `XPORT_STORE_STALE_LEASE` when the lease is no longer current.
 *
 * @example
 * checkCompletionLease('memory store', completion, message?.recipients[completion.recipientIndex]);
 */
export function checkCompletionLease(store: string, completion: Completion, found: LeaseHolder | undefined): asserts found is LeaseHolder {
  if (found === undefined) throw unknownRecipientError(store, completion);
  if (!isLeaseCurrent(found, completion.leaseId)) throw staleLeaseError(store, completion, found);
}
