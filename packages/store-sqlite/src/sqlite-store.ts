import type { Readable } from 'node:stream';
import type { Database } from 'better-sqlite3';
import {
  XportError,
  resolveRepeatedKey,
  type Claim,
  type ClaimRequest,
  type Completion,
  type CompletionReceipt,
  type InboxEntry,
  type ListOptions,
  type MessageStore,
  type QuarantinedRecord,
  type QueueCounts,
  type StrandedClaim,
  type StrandedClaimRequest,
  type ReceiveRequest,
  type StoredMessage,
  type SubmitRequest,
  type SubmitResult,
  type QueueOperationsStore,
  toRecipientFilter,
  type BounceStore,
} from '@xport/provider-sdk';
import { applyQueueOperation, countQueueOperation, listQueueRecipients } from './queue-operations.js';
import { applyAsyncBounce, findMessagesByKey } from './bounce-write.js';
import { leaseDueRecipients, leaseStrandedRecipients, type Quarantined } from './leasing.js';
import { abortMessage, applyCompletion, makeRecipientsDue, purgeFinished } from './complete-write.js';
import { deleteOrphanParts, discardStreamedParts, prepareParts } from './content-writer.js';
import { GroupCommitWriter } from './group-commit.js';
import { startCheckpointer } from './store-checkpoints.js';
import type { Checkpointer } from './checkpointer.js';
import { findReceiptByKey, insertInboxEntries, setRead } from './inbox-write.js';
import { openDatabase } from './open-database.js';
import { ShmGuard } from './shm-guard.js';
import { toStorageError } from './storage-errors.js';
import { openPartStream, readPartBytes } from './part-reader.js';
import { listQuarantined } from './quarantine.js';
import { RecordReader } from './record-reader.js';
import { countRecipients, earliestDue } from './sqlite-reads.js';
import { findMessageByKey, insertMessage } from './submit-write.js';
import { SqliteSuppression } from './sqlite-suppression.js';
import { SqliteEvents } from './sqlite-events.js';
import { STORE_DEFAULTS, openSentRetention, purgeHistory } from '@xport/provider-sdk';
import { WorkSignal } from './work-signal.js';
import type { WalSync } from './wal-sync.js';
import type { SqliteStoreOptions } from './sqlite-store-options.js';
import { newRecordId } from './record-ids.js';

/** The SQLite store: writes go through one group-commit writer; reads use the connection directly. */
class SqliteStore implements MessageStore {
  private db: Database | undefined;
  private guard: ShmGuard | undefined;
  private writer: GroupCommitWriter | undefined;
  private walSync: WalSync | undefined;
  private checkpointer: Checkpointer | undefined;
  private stopRetention: (() => void) | undefined;
  private readonly work: WorkSignal;
  private readonly records: RecordReader;
  private readonly chunkSize: number;
  readonly suppression: SqliteSuppression;
  readonly operations: QueueOperationsStore;
  readonly events: SqliteEvents;
  readonly bounces: BounceStore;

  constructor(private readonly options: SqliteStoreOptions) {
    this.chunkSize = options.chunkSize ?? 256 * 1024;
    this.suppression = new SqliteSuppression((action, work) => this.write(action, work), () => this.connection());
    this.events = new SqliteEvents((action, work) => this.write(action, work), () => this.connection());
    this.bounces = {
      findMessagesByKey: async (key, limit) => findMessagesByKey(this.connection(), key, limit),
      failDelivered: (bounce) => this.write('apply an asynchronous bounce', (db) => applyAsyncBounce(db, bounce)),
    };
    this.work = new WorkSignal(() => this.readableDb(), options.workPollMs ?? 200);
    this.operations = {
      listRecipients: async (request) => listQueueRecipients(this.connection(), request, toRecipientFilter(request.filter)),
      countOperation: async (request) => countQueueOperation(this.connection(), request, toRecipientFilter(request.filter)),
      applyOperation: async (request) => {
        const filter = toRecipientFilter(request.filter);
        const batch = await this.write(`${request.operation} queued recipients`, (db) => applyQueueOperation(db, request, filter));
        // Released and retried recipients are due now: claimers (here and in other processes) look.
        if (batch.changed > 0 && (request.operation === 'release' || request.operation === 'retry')) this.work.emit();
        return batch;
      },
    };
    this.records = new RecordReader(options.path, () => this.connection(), (action, work) => this.write(action, work), options.logger);
  }

  async open(): Promise<void> {
    if (this.db) return;
    const { path, logger } = this.options;
    const { db, tightened, walSync } = openDatabase({
      path,
      synchronous: this.options.synchronous ?? 'FULL',
      busyTimeoutMs: this.options.busyTimeoutMs ?? 5000,
      ...(this.options.maxSizeBytes === undefined ? {} : { maxSizeBytes: this.options.maxSizeBytes }),
    });
    for (const file of tightened) logger?.warn(`sqlite store ${path}: ${file} was readable by group or others; it is now 0600 (owner only)`, { path, file });
    this.db = db;
    this.guard = new ShmGuard(path);
    this.walSync = walSync;
    this.checkpointer = path === ':memory:' || this.options.checkpoints === 'writer' ? undefined : startCheckpointer(path, logger);
    this.writer = new GroupCommitWriter(db, path, undefined, this.options.commitWindowMs ?? 0, this.guard, walSync, this.checkpointer);
    try {
      await this.writer.run('remove orphaned content', (conn) => deleteOrphanParts(conn, Date.now()));
    } catch (error) {
      // Housekeeping: a full disk must not keep the store from opening (it still reads, and takes
      // writes again once there is room); anything else is a real failure to open.
      if (!XportError.is(error, 'XPORT_STORE_FULL')) {
        await this.close();
        throw error;
      }
      logger?.warn(`sqlite store ${path}: could not remove orphaned content at open; the next open tries again`, { path, error: error.message });
    }
    const days = this.options.sentRetentionDays ?? STORE_DEFAULTS.sentRetentionDays;
    if (days > 0) this.stopRetention = await openSentRetention(days, (before) => purgeHistory(this, before), this.options.logger);
  }

  async close(): Promise<void> {
    this.stopRetention?.();
    this.work.clear();
    await this.writer?.close();
    await this.checkpointer?.close();
    this.checkpointer = undefined;
    this.walSync?.close();
    this.walSync = undefined;
    if (this.db) this.guard?.beforeClose(this.options.logger);
    this.db?.close();
    this.db = undefined;
    this.guard = undefined;
    this.writer = undefined;
  }

  async submit(request: SubmitRequest): Promise<SubmitResult> {
    const { path } = this.options;
    const earlier = request.idempotencyKey === undefined ? undefined : findMessageByKey(this.connection(), request.idempotencyKey);
    if (earlier !== undefined) {
      // Nothing read yet: a streamed part is read through (and dropped) to complete the fingerprint.
      if (request.fingerprint !== undefined && request.fingerprint.digest === undefined) await request.fingerprint.settle();
      return resolveRepeatedKey(request, earlier, `sqlite store ${path}`);
    }
    const writer = this.requireWriter('submit');
    const parts = await prepareParts(writer, request.parts, this.chunkSize);
    let result: SubmitResult;
    try {
      result = await this.write('submit a message', (db) => insertMessage(db, path, newRecordId(), request, parts));
    } catch (error) {
      await discardStreamedParts(writer, parts);
      throw error;
    }
    if (!result.duplicate) this.work.emit();
    return result;
  }

  async claim(request: ClaimRequest): Promise<Claim[]> {
    const quarantined: Quarantined[] = [];
    const claims = await this.write('claim recipients', (db) => leaseDueRecipients(db, request, quarantined));
    for (const q of quarantined) this.records.report(q.messageId, q.reason);
    return claims;
  }

  async claimStranded(request: StrandedClaimRequest): Promise<StrandedClaim[]> {
    const quarantined: Quarantined[] = [];
    const claims = await this.write('claim stranded recipients', (db) => leaseStrandedRecipients(db, request, quarantined));
    for (const q of quarantined) this.records.report(q.messageId, q.reason);
    return claims;
  }

  async complete(completion: Completion): Promise<CompletionReceipt> {
    const receipt = await this.write('complete a claim', (db) => applyCompletion(db, this.options.path, completion));
    if (completion.result.state === 'queued' || completion.result.state === 'deferred') this.work.emit();
    return receipt;
  }

  async makeDue(providers: readonly string[], now: number, limit?: number): Promise<number> {
    const count = await this.write('make recipients due', (db) => makeRecipientsDue(db, providers, now, limit));
    if (count > 0) this.work.emit();
    return count;
  }

  async abort(messageId: string, now: number): Promise<void> {
    await this.write('abort a message', (db) => abortMessage(db, this.options.path, messageId, now));
  }

  getMessage(messageId: string): Promise<StoredMessage | undefined> {
    return this.records.message(messageId);
  }

  listQueue(options?: ListOptions): Promise<StoredMessage[]> {
    return this.records.queue(options);
  }

  listSent(options?: ListOptions): Promise<StoredMessage[]> {
    return this.records.sent(options);
  }

  async counts(): Promise<QueueCounts> {
    return countRecipients(this.connection());
  }

  async nextWakeAt(): Promise<number | null> {
    return earliestDue(this.connection());
  }

  purgeSent(before: number, limit?: number): Promise<number> {
    return this.write('purge sent messages', (db) => purgeFinished(db, before, limit));
  }

  async receive(request: ReceiveRequest): Promise<Array<{ mailbox: string; id: string }>> {
    // A repeated delivery is answered before its streamed content is written for nothing; content
    // already in memory costs nothing to prepare, and the write looks for the key again in its
    // transaction, so the look-up is skipped for it (a statement fewer for each message received).
    const streams = request.parts.some((part) => typeof part.content !== 'string' && !(part.content instanceof Uint8Array));
    const earlier = request.idempotencyKey === undefined || !streams ? undefined : findReceiptByKey(this.connection(), request.idempotencyKey);
    if (earlier) return earlier;
    const parts = await prepareParts(this.requireWriter('receive'), request.parts, this.chunkSize);
    return this.write('receive a message', (db) => insertInboxEntries(db, request, parts));
  }

  listInbox(mailbox: string, options?: ListOptions & { readonly unreadOnly?: boolean }): Promise<InboxEntry[]> {
    return this.records.inbox(mailbox, options);
  }

  getInboxEntry(id: string): Promise<InboxEntry | undefined> {
    return this.records.inboxEntry(id);
  }

  async markRead(id: string, read: boolean): Promise<void> {
    await this.write('mark an inbox entry read', (db) => setRead(db, this.options.path, id, read));
  }

  openPart(partId: string): Readable {
    return openPartStream(() => this.connection(), this.options.path, partId);
  }

  async readPart(partId: string): Promise<Buffer> {
    return readPartBytes(this.connection(), this.options.path, partId);
  }

  async quarantined(): Promise<QuarantinedRecord[]> {
    return listQuarantined(this.connection());
  }

  onWork(listener: () => void): () => void {
    return this.work.add(listener);
  }

  private write<T>(action: string, work: (db: Database) => T): Promise<T> {
    return this.requireWriter(action).run(action, work);
  }

  private requireWriter(action: string): GroupCommitWriter {
    if (!this.writer) throw this.notOpen(action);
    return this.writer;
  }

  private connection(): Database {
    if (!this.db) throw this.notOpen('read');
    try {
      this.guard?.beforeRead();
    } catch (error) {
      throw toStorageError(this.options.path, 'read', error);
    }
    return this.db;
  }

  /** The connection for the work signal's poll, or undefined while it may not be read safely. */
  private readableDb(): Database | undefined {
    try {
      return this.db ? this.connection() : undefined;
    } catch {
      return undefined;
    }
  }

  private notOpen(action: string): XportError {
    const { path } = this.options;
    return new XportError('XPORT_STORE_UNAVAILABLE', `sqlite store ${path}: cannot ${action}: the store is not open (call open() first)`, {
      details: { path, action, expected: 'open', found: 'closed' },
    });
  }
}

/**
 * Creates the embedded SQLite message store (WAL, group commit, schema migrations on open).
 *
 * @example
 * const store = createSqliteStore({ path: '.xport/store.db' });
 * await store.open();
 */
export function createSqliteStore(options: SqliteStoreOptions): MessageStore {
  return new SqliteStore(options);
}
