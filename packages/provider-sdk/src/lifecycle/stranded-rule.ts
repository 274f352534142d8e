import type { RecipientState } from '../store.js';

/** What the stranded rule looks at: the recipient, its due time (`recipientDueAt`) and its message's expiry. */
export interface StrandedInput {
  readonly state: RecipientState;
  readonly provider: string | null;
  /** `recipientDueAt` of the recipient: null once final (or set aside). */
  readonly dueAt: number | null;
  /** The message's `expiresAt`. */
  readonly expiresAt: number;
  /** True when it was held with `expire` (`OperationResult.expiresWhileHeld`); read only while held. Default false. */
  readonly expiresWhileHeld?: boolean;
}

/**
 * True when no send can settle a recipient, so `claimStranded` leases it: it is waiting (queued,
 * deferred, or in flight under an expired lease) and it has no responsible provider or its message
 * is past `expiresAt` at `now`; or it is held with `expire` and its message is past `expiresAt` (the
 * spooler expires it, never sends it). A recipient in flight under a live lease is its sender's to
 * settle; one held without `expire` is set aside until released.
 *
 * @example
 * isStranded({ state: 'queued', provider: null, dueAt: 1000, expiresAt: 9000 }, 2000); // true
 * isStranded({ state: 'held', provider: 'smtp', dueAt: null, expiresAt: 9000, expiresWhileHeld: true }, 9000); // true
 */
export function isStranded(recipient: StrandedInput, now: number): boolean {
  const { dueAt } = recipient;
  if (recipient.state === 'held') return recipient.expiresWhileHeld === true && recipient.expiresAt <= now;
  if (dueAt === null) return false;
  if (recipient.state === 'in-flight' && dueAt > now) return false;
  return recipient.provider === null || recipient.expiresAt <= now;
}

/** Column references (or expressions) a SQL store names for the stranded condition. */
export interface StrandedColumns {
  readonly state: string;
  readonly provider: string;
  /** The column holding `recipientDueAt`. */
  readonly dueAt: string;
  readonly expiresAt: string;
  /** The boolean column holding `expiresWhileHeld` (`TRUE` when held with `expire`). */
  readonly expiresWhileHeld: string;
}

/**
 * {@link isStranded} as a SQL condition, for stores that select stranded recipients in one statement
 * (the rule is written here once, not in each store's SQL). Standard SQL, the same for SQLite and
 * PostgreSQL; `now` is the parameter placeholder or expression for the current time.
 *
 * @example
 * strandedCondition({ state: 'r.state', provider: 'r.provider', dueAt: 'r.due_at', expiresAt: 'm.expires_at', expiresWhileHeld: 'r.expires_while_held' }, '$1');
 * // "((r.due_at IS NOT NULL AND (r.state <> 'in-flight' OR r.due_at <= $1) AND (r.provider IS NULL OR m.expires_at <= $1))
 * //   OR (r.state = 'held' AND r.expires_while_held = TRUE AND m.expires_at <= $1))"
 */
export function strandedCondition(columns: StrandedColumns, now: string): string {
  const { state, provider, dueAt, expiresAt, expiresWhileHeld } = columns;
  // A held recipient has no due time (recipientDueAt), so the two branches never both hold.
  const waiting = `${dueAt} IS NOT NULL AND (${state} <> 'in-flight' OR ${dueAt} <= ${now}) AND (${provider} IS NULL OR ${expiresAt} <= ${now})`;
  const heldToExpire = `${state} = 'held' AND ${expiresWhileHeld} = TRUE AND ${expiresAt} <= ${now}`;
  return `((${waiting}) OR (${heldToExpire}))`;
}
