import { XportError } from '../errors.js';
import type { QueueOperationsStore } from '../queue-operations-store.js';
import type { MessageStore, RecipientError, RecipientState } from '../store.js';

/**
 * What an operator does to recipients of the queue: `retry` makes queued (not yet due) and deferred
 * ones due now; `hold` sets queued and deferred ones aside (with `expire`, they still expire when
 * their message's lifetime passes); `release` queues held ones, due now; `delete` aborts any that is
 * not final (the kernel owes their sender an NDR). None touches a recipient in flight: its sender
 * settles it.
 */
export type QueueOperation = 'retry' | 'hold' | 'release' | 'delete';

export const QUEUE_OPERATIONS: readonly QueueOperation[] = ['retry', 'hold', 'release', 'delete'];

/** The diagnostic a deleted recipient keeps (and its NDR gives): RFC 3463 5.0.0, removed by an operator. */
export const DELETED_ERROR: RecipientError = Object.freeze({ code: '5.0.0', diagnostic: 'deleted from the queue by an operator' });

/** What an operation looks at. */
export interface OperationInput {
  readonly state: RecipientState;
  readonly nextAttemptAt: number | null;
}

/**
 * True when `operation` changes a recipient at `now`: hold a queued or deferred one, release a held
 * one, retry a deferred one or a queued one not yet due, delete any of queued, deferred, held. A
 * recipient in flight is never changed (callers count it as skipped).
 *
 * @example
 * queueOperationApplies('retry', { state: 'queued', nextAttemptAt: 500 }, 1000); // false: already due
 */
export function queueOperationApplies(operation: QueueOperation, recipient: OperationInput, now: number): boolean {
  const { state } = recipient;
  switch (operation) {
    case 'hold':
      return state === 'queued' || state === 'deferred';
    case 'release':
      return state === 'held';
    case 'retry':
      return state === 'deferred' || (state === 'queued' && recipient.nextAttemptAt !== null && recipient.nextAttemptAt > now);
    case 'delete':
      return state === 'queued' || state === 'deferred' || state === 'held';
  }
}

/**
 * True when a recipient in flight is one the operation would have changed had it not been in flight,
 * so it is counted as skipped: every operation but `release` (a held recipient is never in flight).
 *
 * @example
 * skipsInFlight('release'); // false
 */
export function skipsInFlight(operation: QueueOperation): boolean {
  return operation !== 'release';
}

/** What an operation is asked to do beyond its filter. */
export interface OperationOptions {
  /**
   * `hold` only: the held recipients still expire when their message's lifetime passes (`expired`,
   * with its NDR and event, never sent). Without it a held recipient never expires while held.
   */
  readonly expire?: boolean;
}

/**
 * The options checked against the operation: `expire` must be a boolean, and `expire: true` belongs
 * to `hold` alone (another operation leaves nothing held to expire). A mistake is
 * `XPORT_QUEUE_OPERATION_INVALID`, before anything is changed.
 *
 * @example
 * checkOperationOptions('hold', { expire: true });    // { expire: true }
 * checkOperationOptions('release', { expire: true }); // throws XPORT_QUEUE_OPERATION_INVALID
 */
export function checkOperationOptions(operation: QueueOperation, options: OperationOptions): OperationOptions {
  const { expire } = options as { expire?: unknown };
  if (expire !== undefined && typeof expire !== 'boolean') {
    throw new XportError('XPORT_QUEUE_OPERATION_INVALID', `queue ${operation}: expire must be true or false (got ${JSON.stringify(expire) ?? typeof expire})`, {
      details: { field: 'expire', expected: 'boolean', found: typeof expire },
    });
  }
  if (expire === true && operation !== 'hold') {
    throw new XportError('XPORT_QUEUE_OPERATION_INVALID', `queue ${operation}: expire applies to hold only (it lets held recipients expire); ${operation} takes no expire`, {
      details: { field: 'expire', expected: 'operation hold', found: operation },
    });
  }
  return expire === undefined ? {} : { expire };
}

/** What an operation makes of a recipient it applies to. */
export interface OperationResult {
  readonly state: Extract<RecipientState, 'queued' | 'held' | 'aborted'>;
  /** Its next attempt (its due time); null when it is not claimable. */
  readonly nextAttemptAt: number | null;
  /** True for a final state: the message counts the recipient off. */
  readonly final: boolean;
  /** The diagnostic to keep; undefined: the one it had. */
  readonly lastError: RecipientError | undefined;
  /** The event each changed recipient owes, written in the same transaction; undefined for `retry` (a due time moved, nothing a reader needs). */
  readonly event: 'held' | 'released' | 'deleted' | undefined;
  /**
   * True for a recipient held with `expire`: the stranded rule (`isStranded`) still expires it once
   * its message's lifetime passes. False for every other result, so a release clears it.
   */
  readonly expiresWhileHeld: boolean;
}

/**
 * The recipient after `operation` at `now` (attempts and provider are kept): held ones have no due
 * time, so a claim never finds them (`recipientDueAt` is null while held), nor the expiry sweep
 * unless held with `expire` (`expiresWhileHeld`); released and retried ones are queued, due now;
 * deleted ones are aborted with {@link DELETED_ERROR}.
 *
 * @example
 * queueOperationResult('release', 5000); // { state: 'queued', nextAttemptAt: 5000, final: false, lastError: undefined, event: 'released', expiresWhileHeld: false }
 * queueOperationResult('hold', 5000, { expire: true }).expiresWhileHeld; // true
 */
export function queueOperationResult(operation: QueueOperation, now: number, options: OperationOptions = {}): OperationResult {
  switch (operation) {
    case 'hold':
      return { state: 'held', nextAttemptAt: null, final: false, lastError: undefined, event: 'held', expiresWhileHeld: options.expire === true };
    case 'release':
      return { state: 'queued', nextAttemptAt: now, final: false, lastError: undefined, event: 'released', expiresWhileHeld: false };
    case 'retry':
      return { state: 'queued', nextAttemptAt: now, final: false, lastError: undefined, event: undefined, expiresWhileHeld: false };
    case 'delete':
      return { state: 'aborted', nextAttemptAt: null, final: true, lastError: DELETED_ERROR, event: 'deleted', expiresWhileHeld: false };
  }
}

/** Columns a SQL store names for the operation condition. */
export interface OperationColumns {
  readonly state: string;
  readonly nextAttemptAt: string;
}

/**
 * {@link queueOperationApplies} as a SQL condition (standard SQL); `now` is a placeholder or expression.
 *
 * @example
 * queueOperationCondition('retry', { state: 'r.state', nextAttemptAt: 'r.next_attempt_at' }, '$1');
 * // "(r.state = 'deferred' OR (r.state = 'queued' AND r.next_attempt_at > $1))"
 */
export function queueOperationCondition(operation: QueueOperation, columns: OperationColumns, now: string): string {
  const { state, nextAttemptAt } = columns;
  switch (operation) {
    case 'hold':
      return `${state} IN ('queued', 'deferred')`;
    case 'release':
      return `${state} = 'held'`;
    case 'retry':
      return `(${state} = 'deferred' OR (${state} = 'queued' AND ${nextAttemptAt} > ${now}))`;
    case 'delete':
      return `${state} IN ('queued', 'deferred', 'held')`;
  }
}

/**
 * True when `value` names an operation (a CLI verb or a URL segment is checked with it).
 *
 * @example
 * isQueueOperation('hold'); // true
 */
export function isQueueOperation(value: unknown): value is QueueOperation {
  return typeof value === 'string' && (QUEUE_OPERATIONS as readonly string[]).includes(value);
}

/** The store's queue operations, or `XPORT_QUEUE_OPERATIONS_UNSUPPORTED` when the store has none (they are optional). */
export function queueOperationsOf(store: MessageStore): QueueOperationsStore {
  if (store.operations !== undefined) return store.operations;
  throw new XportError('XPORT_QUEUE_OPERATIONS_UNSUPPORTED', 'the configured message store implements no queue operations (MessageStore.operations is not implemented)', {
    details: { expected: 'MessageStore.operations', found: 'none' },
  });
}
