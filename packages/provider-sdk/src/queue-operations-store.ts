import type { Recipient } from './address.js';
import type { RecipientFilter } from './lifecycle/recipient-filter.js';
import type { QueueOperation } from './lifecycle/queue-operations.js';
import type { RecipientRole } from './message.js';
import type { RecipientError, RecipientState } from './store.js';

/** One recipient of the queue (not final), as a listing by filter shows it. */
export interface QueueEntry {
  readonly messageId: string;
  /** The message's subject and sender, so a listing says what each recipient waits with. */
  readonly subject?: string;
  readonly from?: Recipient;
  readonly submittedAt: number;
  readonly expiresAt: number;
  readonly index: number;
  readonly recipient: Recipient;
  readonly role: RecipientRole;
  readonly provider: string | null;
  readonly state: RecipientState;
  readonly attempts: number;
  readonly nextAttemptAt: number | null;
  readonly lastError?: RecipientError;
  readonly updatedAt: number;
  /** True on a held recipient that still expires when its message's lifetime passes (held with `expire`); absent otherwise. */
  readonly expiresWhileHeld?: true;
}

/** A page of the queue by filter: in submit order, then recipient index. */
export interface QueueListRequest {
  readonly filter: RecipientFilter;
  readonly limit: number;
  /** `nextCursor` of the page before; omit for the first page. Opaque: only the store reads it. */
  readonly cursor?: string;
}

export interface QueuePage {
  readonly entries: readonly QueueEntry[];
  /** Reads the next page; null on the last one. */
  readonly nextCursor: string | null;
}

/** What an operation would do, and to how many (a dry run). */
export interface QueueOperationCountRequest {
  readonly operation: QueueOperation;
  readonly filter: RecipientFilter;
  readonly now: number;
}

export interface QueueOperationCount {
  /** Recipients the operation would change now. */
  readonly changes: number;
  /** Recipients the filter selects that are in flight, which the operation leaves as they are (0 for `release`: see `skipsInFlight`). */
  readonly inFlight: number;
}

/** One batch of an operation: at most `limit` recipients, changed in one transaction. */
export interface QueueOperationRequest extends QueueOperationCountRequest {
  readonly limit: number;
  /**
   * `hold` only: the recipients it holds still expire when their message's lifetime passes
   * (`queueOperationResult(...).expiresWhileHeld`, read by the stranded rule). It changes which
   * recipients are held, never how many, so a count takes no such option.
   */
  readonly expire?: boolean;
}

/** A recipient an operation changed, with what it was (the kernel owes reports and events on it). */
export interface AffectedRecipient {
  readonly messageId: string;
  readonly index: number;
  readonly recipient: Recipient;
  readonly provider: string | null;
  readonly from: RecipientState;
  readonly to: RecipientState;
  readonly attempts: number;
}

export interface QueueOperationBatch {
  /** Recipients changed by this batch (`affected.length`). */
  readonly changed: number;
  /** Recipients the filter selects that were in flight when the batch ran: left as they were (0 for `release`). */
  readonly skippedInFlight: number;
  /** The changed recipients, in submit order then recipient index. */
  readonly affected: readonly AffectedRecipient[];
  /** Messages this batch made final (every recipient final: they moved to sent). */
  readonly finishedMessages: readonly string[];
}

/**
 * A store's queue operations (optional, like `suppression`): the queue by filter, and retry, hold,
 * release and delete applied in bounded batches. The SDK decides which recipients an operation
 * changes and to what (`queueOperationApplies`, `queueOperationResult`, `recipientMatches`, and
 * their SQL forms); a store only selects and writes.
 */
export interface QueueOperationsStore {
  /** Recipients not yet final that match `filter`, in submit order then recipient index. */
  listRecipients(request: QueueListRequest): Promise<QueuePage>;
  /** What `applyOperation` would change now, and how many selected recipients are in flight. */
  countOperation(request: QueueOperationCountRequest): Promise<QueueOperationCount>;
  /**
   * Applies the operation to at most `limit` matching recipients (submit order, then recipient
   * index) in one transaction, never to one in flight. Call again until `changed` is below `limit`.
   */
  applyOperation(request: QueueOperationRequest): Promise<QueueOperationBatch>;
}
