import type { RecipientState } from '../store.js';

/** Every state a recipient of a queued message can be in, in the order a recipient usually passes them. */
export const RECIPIENT_STATES: readonly RecipientState[] = ['queued', 'in-flight', 'deferred', 'held', 'delivered', 'failed', 'expired', 'aborted'];

/** States no result changes any more; a message whose recipients are all final is in sent. */
export const FINAL_RECIPIENT_STATES: readonly RecipientState[] = ['delivered', 'failed', 'expired', 'aborted'];

/** States of a recipient waiting for its next attempt: claimable once `nextAttemptAt <= now`. */
export const WAITING_RECIPIENT_STATES: readonly RecipientState[] = ['queued', 'deferred'];

/**
 * True for a final state (`delivered`, `failed`, `expired`, `aborted`).
 *
 * @example
 * if (recipients.every((r) => isFinalRecipientState(r.state))) finishMessage();
 */
export function isFinalRecipientState(state: RecipientState): boolean {
  return state === 'delivered' || state === 'failed' || state === 'expired' || state === 'aborted';
}

/**
 * True for a state that waits for its next attempt (`queued`, `deferred`).
 *
 * @example
 * isWaitingRecipientState('deferred'); // true
 */
export function isWaitingRecipientState(state: RecipientState): boolean {
  return state === 'queued' || state === 'deferred';
}

/**
 * True when `value` names a recipient state (a stored row's state is checked with it).
 *
 * @example
 * isRecipientState('in-flight'); // true
 */
export function isRecipientState(value: unknown): value is RecipientState {
  return typeof value === 'string' && (RECIPIENT_STATES as readonly string[]).includes(value);
}

/** What decides when a recipient is next claimable. */
export interface DueInput {
  readonly state: RecipientState;
  readonly nextAttemptAt: number | null;
  /** The current lease's expiry while in flight; null when it holds none. */
  readonly leaseExpiresAt: number | null;
}

/**
 * When a recipient can next be claimed: its next attempt while waiting, its lease's expiry while in
 * flight (a claimer that died gives it back then), never (null) once final or while held (so a
 * claim never finds a held recipient; the expiry sweep finds one only when it was held with
 * `expire`, see `isStranded`). SQL stores keep this
 * value in an indexed column (`due_at`) and claim by `due_at <= now`.
 *
 * @example
 * recipientDueAt({ state: 'in-flight', nextAttemptAt: 1000, leaseExpiresAt: 61_000 }); // 61_000
 */
export function recipientDueAt(recipient: DueInput): number | null {
  if (isWaitingRecipientState(recipient.state)) return recipient.nextAttemptAt;
  if (recipient.state === 'in-flight') return recipient.leaseExpiresAt;
  return null;
}
