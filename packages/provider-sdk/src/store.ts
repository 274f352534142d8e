import type { Readable } from 'node:stream';
import type { Recipient } from './address.js';
import type { ContentPartInput, MessageEnvelope, PartInfo, RecipientRole } from './message.js';
import type { SubmitFingerprint } from './submit-fingerprint.js';
import type { QueueOperationsStore } from './queue-operations-store.js';
import type { EventLog } from './lifecycle/delivery-events.js';

/**
 * Where one recipient of a queued message stands. `delivered`, `failed`, `expired` and `aborted`
 * are final; a message whose recipients are all final moves to sent. `held` is set aside by an
 * operator: never claimed until released, and never expired while held unless the hold said
 * `expire` (then it expires when its message's lifetime passes, never sent).
 */
export type RecipientState = 'queued' | 'in-flight' | 'deferred' | 'held' | 'delivered' | 'failed' | 'expired' | 'aborted';

export interface RecipientError {
  readonly code: string;
  readonly diagnostic: string;
}

export interface StoredRecipient {
  readonly index: number;
  readonly recipient: Recipient;
  readonly role: RecipientRole;
  /** Id of the provider responsible for it now (MAPI's PR_RESPONSIBILITY); null when none can take it. */
  readonly provider: string | null;
  readonly state: RecipientState;
  readonly attempts: number;
  /** When it is due (queued/deferred), epoch ms. */
  readonly nextAttemptAt: number | null;
  readonly lastError?: RecipientError;
  readonly updatedAt: number;
  /** True on a held recipient that still expires when its message's lifetime passes (held with `expire`); absent otherwise. */
  readonly expiresWhileHeld?: true;
}

export interface StoredMessage {
  readonly id: string;
  readonly envelope: MessageEnvelope;
  readonly recipients: readonly StoredRecipient[];
  readonly parts: readonly PartInfo[];
  readonly size: number;
  readonly submittedAt: number;
  /** After this time a recipient not yet final expires (and gets an NDR). */
  readonly expiresAt: number;
  /** Set once every recipient is final (the message is in sent). */
  readonly finishedAt?: number;
  readonly idempotencyKey?: string;
}

export interface SubmitRequest {
  readonly envelope: MessageEnvelope;
  readonly recipients: ReadonlyArray<{
    readonly recipient: Recipient;
    readonly role: RecipientRole;
    readonly provider: string | null;
    /**
     * Normally `queued`. A recipient no provider can take (`provider: null`) is either `failed` at
     * once, or `queued` so it stays open until the kernel has written its NDR and settled it through
     * {@link MessageStore.claimStranded} (what the kernel does: a crash in between loses no report).
     */
    readonly state?: 'queued' | 'failed';
    readonly lastError?: RecipientError;
    /**
     * The destination its transport names for it (`TransportProvider.destinationOf`, set by the kernel
     * when it routes), kept so a claim can leave a held destination's recipients where they are
     * (`ClaimRequest.skipDestinations`). Default: the recipient's address type (`recipientDestination`).
     */
    readonly destination?: string;
  }>;
  readonly parts: readonly ContentPartInput[];
  readonly submittedAt: number;
  readonly expiresAt: number;
  /**
   * The same key twice yields one message: a retry with the same content returns the first one's id
   * (`duplicate: true`); different content is `XPORT_IDEMPOTENCY_CONFLICT` (see `fingerprint`).
   */
  readonly idempotencyKey?: string;
  /**
   * The content's fingerprint (`createSubmitFingerprint`), set by the kernel with every key. The store
   * keeps it with the key (`fingerprintToKeep`) and compares it when the key comes again
   * (`resolveRepeatedKey`); it is complete once the store has read every part.
   */
  readonly fingerprint?: SubmitFingerprint;
}

export interface SubmitResult {
  readonly messageId: string;
  /** True when the idempotency key matched an earlier message and nothing new was written. */
  readonly duplicate: boolean;
}

export interface ClaimRequest {
  /** Who claims (a spooler instance id); kept on the lease for diagnostics. */
  readonly owner: string;
  readonly limit: number;
  readonly leaseMs: number;
  readonly now: number;
  /** Only recipients whose responsible provider is one of these (the online ones). Omit for all. */
  readonly providers?: readonly string[];
  /**
   * Leaves the recipients whose destination (as submitted, or as the last hand-over set it) is one of
   * these where they are: not leased, not rescheduled. The spooler names its suspended destinations
   * and those at their concurrency limit, so the store never hands out recipients only to have them put
   * back. The store excludes them in its query, without reading or writing their rows one by one.
   */
  readonly skipDestinations?: readonly string[];
}

/**
 * One recipient a spooler now holds under a lease. Due recipients are queued or deferred ones with
 * `nextAttemptAt <= now`, and in-flight ones whose lease has expired (their claimer died).
 */
export interface Claim {
  readonly leaseId: string;
  readonly messageId: string;
  readonly recipientIndex: number;
  readonly recipient: Recipient;
  readonly role: RecipientRole;
  readonly provider: string;
  /** Attempts made before this claim. */
  readonly attempts: number;
  readonly leaseExpiresAt: number;
}

export interface StrandedClaimRequest {
  /** Who claims (a spooler instance id); kept on the lease for diagnostics. */
  readonly owner: string;
  readonly limit: number;
  readonly leaseMs: number;
  readonly now: number;
  /** Only this message's recipients (the submit that just queued it). Omit for every message. */
  readonly messageId?: string;
}

/**
 * A recipient the spooler settles without a send (see {@link MessageStore.claimStranded}): `provider`
 * is null when no transport takes its address type. Completed like any claim, by its `leaseId`.
 */
export interface StrandedClaim extends Omit<Claim, 'provider'> {
  readonly provider: string | null;
}

/**
 * What becomes of a claimed recipient. `delivered` and `failed` count the attempt that was made;
 * `deferred` counts it when `countAttempt` is true; `expired` and `queued` count none.
 */
export type ClaimResult =
  | { readonly state: 'delivered' }
  | { readonly state: 'deferred'; readonly nextAttemptAt: number; readonly error?: RecipientError; readonly countAttempt: boolean }
  | { readonly state: 'failed'; readonly error: RecipientError }
  | { readonly state: 'expired'; readonly error: RecipientError }
  /**
   * Back to the queue under `provider` (not-me hand-over, or release at stop), no attempt counted;
   * `destination` is its destination under that provider (kept as it was when omitted).
   */
  | { readonly state: 'queued'; readonly provider: string | null; readonly nextAttemptAt?: number; readonly destination?: string };

export interface Completion {
  readonly leaseId: string;
  readonly messageId: string;
  readonly recipientIndex: number;
  readonly result: ClaimResult;
  /** When the result was decided (epoch ms): the recipient's `updatedAt` and the message's `finishedAt`. Defaults to `Date.now()`. */
  readonly now?: number;
}

export interface CompletionReceipt {
  /** True when this completion made every recipient of the message final (it moved to sent). */
  readonly messageFinished: boolean;
}

export interface QueueCounts {
  readonly byState: Readonly<Record<RecipientState, number>>;
  /** Non-final recipients per responsible provider (`''` for none). */
  readonly byProvider: Readonly<Record<string, ProviderQueueCounts>>;
}

/** The non-final recipients of one provider, by state. */
export interface ProviderQueueCounts {
  readonly queued: number;
  readonly inFlight: number;
  readonly deferred: number;
  readonly held: number;
}

export interface InboxEntry {
  readonly id: string;
  readonly mailbox: string;
  readonly envelope: MessageEnvelope;
  readonly parts: readonly PartInfo[];
  readonly size: number;
  readonly receivedAt: number;
  readonly read: boolean;
  readonly receivedBy?: string;
}

export interface ReceiveRequest {
  readonly mailboxes: readonly string[];
  readonly envelope: MessageEnvelope;
  readonly parts: readonly ContentPartInput[];
  readonly receivedAt: number;
  readonly receivedBy?: string;
  /** The same key twice yields the same entries (an inbound retry after a lost acknowledgement). */
  readonly idempotencyKey?: string;
}

export interface ListOptions {
  readonly limit?: number;
  readonly offset?: number;
}

/** A record the store could not decode, set aside instead of failing the queue. */
export interface QuarantinedRecord {
  readonly id: string;
  readonly reason: string;
  readonly at: number;
}

/** One address on the suppression list (see `lifecycle/suppression-rule.ts` for when it suppresses). */
export interface SuppressionEntry {
  /** The address's mailbox key (`toMailboxKey`: `smtp:Ada@example.org`). */
  readonly address: string;
  /** Hard bounces counted since the count last restarted (see {@link HardBounce.countSince}). */
  readonly hardBounces: number;
  /** When the last hard bounce was recorded, epoch ms; null for an entry only added by hand. */
  readonly lastBounceAt: number | null;
  /** The last hard bounce's error (its RFC 3463 code and diagnostic). */
  readonly lastError?: RecipientError;
  /** True when an operator added the address: it is suppressed whatever the count, until removed. */
  readonly manual: boolean;
  /** Why an operator added it. */
  readonly reason?: string;
  readonly updatedAt: number;
}

/** One hard bounce to record against an address. */
export interface HardBounce {
  readonly address: string;
  readonly at: number;
  readonly error: RecipientError;
  /** Bounces recorded before this time no longer count: the count restarts at 1 (`hardBounceCount`). */
  readonly countSince: number;
}

/** A suppression an operator adds by hand. */
export interface ManualSuppression {
  readonly address: string;
  readonly at: number;
  readonly reason?: string;
}

/**
 * The suppression list: addresses that hard-bounced, or were added by hand, and are not sent to
 * again. The store keeps entries; the kernel decides with `isSuppressed` whether one suppresses.
 */
export interface SuppressionStore {
  /** Counts a hard bounce (creating the entry), and returns the entry as it is now. */
  recordHardBounce(bounce: HardBounce): Promise<SuppressionEntry>;
  /** Marks an address suppressed by hand (keeping any bounce count), and returns the entry. */
  suppress(entry: ManualSuppression): Promise<SuppressionEntry>;
  /** Removes an address's entry; false when there was none. */
  unsuppress(address: string): Promise<boolean>;
  /** Entries, most recently updated first (then by address). */
  listSuppressed(options?: ListOptions): Promise<SuppressionEntry[]>;
  /** The entries of these addresses (one lookup for a whole message), in no particular order. */
  findSuppressions(addresses: readonly string[]): Promise<SuppressionEntry[]>;
  /**
   * Removes at most `limit` entries that no longer suppress anything at `expiredBefore`: not added by
   * hand, with a last hard bounce before `expiredBefore` (`now - ttlMs`). Returns how many it removed;
   * the kernel calls it again while a batch comes back full.
   */
  purgeExpired(expiredBefore: number, limit: number): Promise<number>;
}

/** How a bounce names the message it is about: the ENVID it was sent with, or its Message-ID. */
export type SentMessageKey = { readonly envelopeId: string } | { readonly messageId: string };

/** An asynchronous bounce to apply to one recipient xport reported delivered (see `lifecycle/async-bounce-rule.ts`). */
export interface AsyncBounce {
  readonly messageId: string;
  readonly recipientIndex: number;
  /** The bounce's RFC 3463 status (`5.1.1`) and diagnostic: the recipient's `lastError` from now on. */
  readonly error: RecipientError;
  /** When the bounce was received: the recipient's `updatedAt`. */
  readonly now: number;
}

/** What an asynchronous bounce did. */
export interface AsyncBounceReceipt {
  /** True when the recipient went from `delivered` to `failed`; false when it changed nothing (already failed, still waiting, unknown). */
  readonly failed: boolean;
  /** The recipient's state before the bounce; undefined when the message or recipient is not in the store. */
  readonly before?: RecipientState;
}

/**
 * Finding the messages a bounce is about, and failing a delivered recipient after the fact. Optional:
 * a store without it keeps bounces in the bounce mailbox, uncorrelated.
 */
export interface BounceStore {
  /**
   * Ids of messages (queued or sent, within the sent-history retention) that carry this key: the
   * ENVID of `envelope.dsn.envelopeId`, or the `envelope.messageId`, matched exactly. Newest first,
   * at most `limit` (several messages may share a sender's ENVID).
   */
  findMessagesByKey(key: SentMessageKey, limit: number): Promise<string[]>;
  /**
   * Applies `asyncBounceTransition` to the recipient in one transaction: a `delivered` recipient
   * becomes `failed` with the bounce's error; any other state is left as it is (so the same bounce
   * twice changes nothing the second time).
   */
  failDelivered(bounce: AsyncBounce): Promise<AsyncBounceReceipt>;
}

/**
 * The message store service: outbox, inbox and sent. Every write resolves only once it is durable
 * for that store (for SQLite: committed to the WAL). Implementations run the store conformance suite
 * from `@xport/provider-sdk/testing`.
 */
export interface MessageStore {
  open(): Promise<void>;
  close(): Promise<void>;

  // --- outbox
  submit(request: SubmitRequest): Promise<SubmitResult>;
  claim(request: ClaimRequest): Promise<Claim[]>;
  /**
   * Leases the recipients no send can settle, whatever their provider's availability: waiting ones
   * (queued, deferred, or in flight under an expired lease) that have no responsible provider, or
   * whose message is past `expiresAt` at `now`, and held ones the hold let expire (`isStranded`)
   * whose message is past `expiresAt`. The spooler fails the first and expires the others,
   * each with its report, so neither an unroutable recipient nor one whose transport stays offline
   * waits forever. Same lease rules as `claim`; order is submit order, then recipient index.
   *
   * @example
   * const stranded = await store.claimStranded({ owner: 'spooler-1', limit: 100, leaseMs: 60_000, now: Date.now() });
   */
  claimStranded(request: StrandedClaimRequest): Promise<StrandedClaim[]>;
  /** Applies a result to a claim; rejects with `XPORT_STORE_STALE_LEASE` if the lease is no longer the current one. */
  complete(completion: Completion): Promise<CompletionReceipt>;
  /**
   * Makes waiting recipients of these providers whose next attempt is after `now` due at `now`
   * (store-and-forward: provider back online, or flush). At most `limit` of them when given,
   * each call one transaction: the kernel moves a deep queue in bounded batches
   * (`makeDueInBatches`) until a call returns fewer than `limit`. Returns how many.
   */
  makeDue(providers: readonly string[], now: number, limit?: number): Promise<number>;
  /** Cancels a queued message; `XPORT_STORE_IN_FLIGHT` if a recipient is being sent, `XPORT_STORE_NOT_FOUND` if unknown. */
  abort(messageId: string, now: number): Promise<void>;
  getMessage(messageId: string): Promise<StoredMessage | undefined>;
  listQueue(options?: ListOptions): Promise<StoredMessage[]>;
  listSent(options?: ListOptions): Promise<StoredMessage[]>;
  counts(): Promise<QueueCounts>;
  /** Earliest `nextAttemptAt` of a waiting recipient, or of an in-flight lease's expiry; null if none. */
  nextWakeAt(): Promise<number | null>;
  /**
   * Removes sent messages finished before `before`, oldest first, at most `limit` of them when given
   * (retention purges in bounded batches: `purgeHistory`). Returns how many.
   */
  purgeSent(before: number, limit?: number): Promise<number>;

  // --- inbox
  receive(request: ReceiveRequest): Promise<Array<{ mailbox: string; id: string }>>;
  listInbox(mailbox: string, options?: ListOptions & { readonly unreadOnly?: boolean }): Promise<InboxEntry[]>;
  getInboxEntry(id: string): Promise<InboxEntry | undefined>;
  markRead(id: string, read: boolean): Promise<void>;

  // --- content
  /** Streams one stored part (outbox, sent or inbox) by its part id. */
  openPart(partId: string): Readable;
  /**
   * Reads one stored part whole: the same bytes as `openPart`, in one buffer the caller owns. Optional
   * (the kernel streams and collects when a store has none); callers use it only for parts whose
   * `PartInfo.size` they are willing to hold. Rejects with `XPORT_STORE_NOT_FOUND` for an unknown part.
   */
  readPart?(partId: string): Promise<Buffer>;

  // --- suppression list
  /** Optional: a store without it keeps no suppression list, and the kernel suppresses nothing. */
  readonly suppression?: SuppressionStore;

  // --- queue operations
  /** Optional: listing by filter and bulk retry / hold / release / delete (`lifecycle/queue-operations.ts`). */
  readonly operations?: QueueOperationsStore;
  // --- delivery events
  /**
   * Optional: the durable event log. A store that has one appends each write's events in the same
   * transaction as the write (`submitEvents`, `completionEvent`, `deletedEvent`, `receivedEvent`), so a
   * rejected write appends none; without it the kernel has no timelines and no event stream.
   */
  readonly events?: EventLog;
  // --- asynchronous bounces
  /** Optional: a store without it cannot correlate bounces; they stay in the bounce mailbox. */
  readonly bounces?: BounceStore;

  // --- health
  quarantined(): Promise<QuarantinedRecord[]>;
  /** Calls `listener` when new work may be due (submits from this or, where supported, other processes). */
  onWork(listener: () => void): () => void;
}
