import type { ClaimResult, RecipientError, RecipientState } from '../store.js';

/**
 * What a claim result does to the recipient it completes, relative to the recipient it finds. Each
 * field is either the new value or, where noted, "keep what it had", so a SQL store can apply it in
 * one UPDATE (`attempts = attempts + attemptsAdded`, `last_error = COALESCE(lastError, last_error)`).
 */
export interface RecipientTransition {
  readonly state: Exclude<RecipientState, 'in-flight' | 'aborted'>;
  /** True for a final state: the message counts this recipient off. */
  readonly final: boolean;
  /** 1 when the result counts the attempt that was made. */
  readonly attemptsAdded: 0 | 1;
  /** The responsible provider after it; `undefined`: the one it had. */
  readonly provider: string | null | undefined;
  /** Its destination after a hand-over (`ClaimResult` queued); `undefined`: the one it had. */
  readonly destination: string | undefined;
  /**
   * When it is next due: null once final; a time; or `undefined` for a hand-over without a time,
   * which keeps its place in line: the `nextAttemptAt` it had, or `now` when it had none.
   */
  readonly nextAttemptAt: number | null | undefined;
  /** The diagnostic to keep; `undefined`: the one it had. */
  readonly lastError: RecipientError | undefined;
  /** True when it becomes claimable again (queued or deferred): claimers may want waking. */
  readonly wakes: boolean;
}

/**
 * The one rule for what a claim result does to a recipient. `delivered` and `failed` count the
 * attempt; `deferred` counts it when `countAttempt` is set; `expired` and `queued` (a hand-over or a
 * release at stop) count none. Every store calls this; none decides a transition of its own.
 *
 * @example
 * const t = recipientTransition({ state: 'deferred', nextAttemptAt: 9000, countAttempt: true });
 * // { state: 'deferred', final: false, attemptsAdded: 1, provider: undefined, destination: undefined, nextAttemptAt: 9000, lastError: undefined, wakes: true }
 */
export function recipientTransition(result: ClaimResult): RecipientTransition {
  switch (result.state) {
    case 'delivered':
      return { state: 'delivered', final: true, attemptsAdded: 1, provider: undefined, destination: undefined, nextAttemptAt: null, lastError: undefined, wakes: false };
    case 'failed':
      return { state: 'failed', final: true, attemptsAdded: 1, provider: undefined, destination: undefined, nextAttemptAt: null, lastError: result.error, wakes: false };
    case 'expired':
      return { state: 'expired', final: true, attemptsAdded: 0, provider: undefined, destination: undefined, nextAttemptAt: null, lastError: result.error, wakes: false };
    case 'deferred':
      return {
        state: 'deferred',
        final: false,
        attemptsAdded: result.countAttempt ? 1 : 0,
        provider: undefined,
        destination: undefined,
        nextAttemptAt: result.nextAttemptAt,
        lastError: result.error,
        wakes: true,
      };
    case 'queued':
      return { state: 'queued', final: false, attemptsAdded: 0, provider: result.provider, destination: result.destination, nextAttemptAt: result.nextAttemptAt, lastError: undefined, wakes: true };
  }
}

/** The fields of a recipient a completion changes. */
export interface RecipientProgress {
  readonly state: RecipientState;
  readonly provider: string | null;
  readonly attempts: number;
  readonly nextAttemptAt: number | null;
  readonly lastError: RecipientError | undefined;
  readonly updatedAt: number;
}

/**
 * The recipient after a transition, decided at `now` (its `updatedAt`). A store that holds records
 * in memory, or reads the row before writing it, stores exactly this.
 *
 * @example
 * const next = applyRecipientTransition(current, recipientTransition(completion.result), completion.now ?? Date.now());
 */
export function applyRecipientTransition(before: RecipientProgress, transition: RecipientTransition, now: number): RecipientProgress {
  return {
    state: transition.state,
    provider: transition.provider === undefined ? before.provider : transition.provider,
    attempts: before.attempts + transition.attemptsAdded,
    nextAttemptAt: transition.nextAttemptAt === undefined ? (before.nextAttemptAt ?? now) : transition.nextAttemptAt,
    lastError: transition.lastError ?? before.lastError,
    updatedAt: now,
  };
}
