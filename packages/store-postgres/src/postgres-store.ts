import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  XportError,
  resolveRepeatedKey,
  type Claim,
  type ClaimRequest,
  type Completion,
  type CompletionReceipt,
  type InboxEntry,
  type ListOptions,
  type Logger,
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
import { abortMessage } from './abort-write.js';
import { claimCarrying } from './carried-completions.js';
import { applyQueueOperation, countQueueOperation, listQueueRecipients } from './queue-operations.js';
import { leaseDueRecipients, leaseStrandedRecipients } from './leasing.js';
import { applyCompletions, makeRecipientsDue, purgeFinished } from './complete-write.js';
import { SCHEMA_NAME_PATTERN, clientConfig, createPool, describeTarget, type DatabaseTarget, type PoolSettings } from './connection.js';
import { prepareParts } from './content-write.js';
import type { Database } from './database.js';
import { GroupCommit } from './group-commit.js';
import { findReceiptByKey, insertInboxEntries, setRead } from './inbox-write.js';
import { openPartStream, openReadPart } from './part-reader.js';
import { ReadAhead } from './read-ahead.js';
import { countRecipients, earliestDue, readQuarantine } from './reads.js';
import { RecordReader } from './record-reader.js';
import { STORE_DEFAULTS, collectPart, openSentRetention, purgeHistory } from '@xport/provider-sdk';
import { PostgresSuppression } from './postgres-suppression.js';
import { PostgresEvents } from './postgres-events.js';
import { applyAsyncBounce, findMessagesByKey } from './bounce-write.js';
import { migrateSchema, quoteSchema } from './schema.js';
import { findMessageByKey, insertMessages, type PreparedSubmit } from './submit-write.js';
import { isStoreFull, isUnavailable, toStoreError, toUnavailable } from './unavailable.js';
import { WorkSignal } from './work-signal.js';

export interface PostgresStoreOptions {
  /** libpq connection string. Never logged or put in an error: only host, port and database are. */
  readonly connectionString: string;
  /** Schema holding every table (created and migrated on open). Default `xport`. */
  readonly schema?: string;
  /** Connections in the pool. Default 10. */
  readonly poolSize?: number;
  /** How long to wait for a connection before failing with `XPORT_STORE_UNAVAILABLE`. Default 5000. */
  readonly connectionTimeoutMs?: number;
  /** Client `query_timeout` and server `statement_timeout` for one query. Default 30000. */
  readonly queryTimeoutMs?: number;
  /** `application_name` of every connection (find them in `pg_stat_activity`). Default `xport-store`. */
  readonly applicationName?: string;
  /** Bytes per stored content chunk. Default 256 KiB. */
  readonly chunkSize?: number;
  /** Finished messages older than this many days are purged (at open and hourly). 0: never. Default `STORE_DEFAULTS.sentRetentionDays` (30). */
  readonly sentRetentionDays?: number;
  readonly logger?: Logger;
}

const isInMemory = (content: unknown): boolean => typeof content === 'string' || content instanceof Uint8Array;

// A claim reads ahead the content of parts up to this size (and at most one chunk) for the send that follows.
const READ_AHEAD_PART_BYTES = 64 * 1024;

/** The PostgreSQL store: every write is one statement or one transaction, committed before it resolves. */
class PostgresStore implements MessageStore {
  private db: Database | undefined;
  private stopRetention: (() => void) | undefined;
  private readonly settings: PoolSettings;
  private readonly target: DatabaseTarget;
  private readonly work: WorkSignal;
  private readonly records: RecordReader;
  // What claims read ahead for the getMessage/openPart calls that follow them; every write here marks it.
  private readonly readAhead = new ReadAhead();
  private readonly chunkSize: number;
  // Group commit: concurrent completions and submits share one statement and one commit.
  private readonly completions: GroupCommit<Completion, CompletionReceipt>;
  private readonly submits: GroupCommit<PreparedSubmit, SubmitResult>;
  readonly suppression = new PostgresSuppression((action, work) => this.run(action, work));
  readonly operations: QueueOperationsStore = {
    listRecipients: (request) => this.run('list the queue by filter', (db) => listQueueRecipients(db, request, toRecipientFilter(request.filter))),
    countOperation: (request) => this.run(`count a ${request.operation}`, (db) => countQueueOperation(db, request, toRecipientFilter(request.filter))),
    applyOperation: async (request) => {
      const filter = toRecipientFilter(request.filter);
      // Which messages it changes is known only after: every read ahead is dropped.
      const done = this.readAhead.write();
      const batch = await this.run(`${request.operation} queued recipients`, (db) => applyQueueOperation(db, request, filter)).finally(done);
      if (batch.changed > 0 && (request.operation === 'release' || request.operation === 'retry')) this.work.emit();
      return batch;
    },
  };
  readonly events = new PostgresEvents((action, work) => this.run(action, work));
  readonly bounces: BounceStore = {
    findMessagesByKey: (key, limit) => this.run('find messages by a bounce key', (db) => findMessagesByKey(db, key, limit)),
    failDelivered: (bounce) => {
      const done = this.readAhead.write(bounce.messageId);
      return this.run('apply an asynchronous bounce', (db) => applyAsyncBounce(db, bounce)).finally(done);
    },
  };

  constructor(private readonly options: PostgresStoreOptions) {
    const schema = options.schema ?? 'xport';
    if (!SCHEMA_NAME_PATTERN.test(schema)) {
      throw new XportError('XPORT_PROVIDER_CONFIG_INVALID', `postgres store: schema must match ${SCHEMA_NAME_PATTERN.source} (got "${schema}")`, {
        details: { field: 'schema', expected: SCHEMA_NAME_PATTERN.source, found: schema },
      });
    }
    this.settings = {
      connectionString: options.connectionString,
      schema,
      poolSize: options.poolSize ?? 10,
      connectionTimeoutMs: options.connectionTimeoutMs ?? 5000,
      queryTimeoutMs: options.queryTimeoutMs ?? 30_000,
      applicationName: options.applicationName ?? 'xport-store',
    };
    this.target = describeTarget(options.connectionString, schema);
    this.chunkSize = options.chunkSize ?? 256 * 1024;
    this.work = new WorkSignal({
      clientConfig: () => (this.db ? clientConfig(this.settings) : undefined),
      channel: `xport_work_${schema}`,
      target: this.target,
      logger: options.logger,
    });
    this.records = new RecordReader(() => this.database('read'), options.logger, (messageId) => this.readAhead.write(messageId));
    this.completions = new GroupCommit({
      // A full or unreachable database fails the whole batch; anything else is re-run one by one.
      write: (batch) => applyCompletions(this.database('complete a claim'), batch, (e) => isUnavailable(e) || isStoreFull(e)),
      keyOf: (c) => `${c.messageId}#${c.recipientIndex}`,
    });
    this.submits = new GroupCommit({
      write: async (batch) => {
        const db = this.database('submit a message');
        try {
          return await insertMessages(db, batch);
        } catch (error) {
          if (batch.length === 1 || isUnavailable(error) || isStoreFull(error)) throw error;
          // One request the database refuses must not fail the others: write them one by one.
          return Promise.all(batch.map((one) => insertMessages(db, [one]).then(([outcome]) => outcome!, (e: unknown) => ({ ok: false as const, error: e }))));
        }
      },
      keyOf: (p) => p.request.idempotencyKey ?? randomUUID(),
    });
  }

  async open(): Promise<void> {
    if (this.db) return;
    const pool = createPool(this.settings, this.target, this.options.logger);
    try {
      const client = await pool.connect();
      try {
        await migrateSchema(client, this.settings.schema, this.target);
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw this.toError('open the store', error);
    }
    this.db = { pool, s: quoteSchema(this.settings.schema), channel: `xport_work_${this.settings.schema}`, target: this.target };
    this.options.logger?.info(`${this.target.label}: open`, { host: this.target.host, port: this.target.port, database: this.target.database });
    const days = this.options.sentRetentionDays ?? STORE_DEFAULTS.sentRetentionDays;
    if (days > 0) this.stopRetention = await openSentRetention(days, (before) => purgeHistory(this, before), this.options.logger);
  }

  async close(): Promise<void> {
    this.stopRetention?.();
    this.stopRetention = undefined;
    this.work.clear();
    this.readAhead.clear();
    // Writes already handed to a batch are committed (or fail) before the pool goes.
    await Promise.all([this.completions.drained(), this.submits.drained()]);
    const pool = this.db?.pool;
    this.db = undefined;
    await pool?.end();
  }

  async submit(request: SubmitRequest): Promise<SubmitResult> {
    return this.run('submit a message', async (db) => {
      const earlier = await findMessageByKey(db, request.idempotencyKey);
      if (earlier !== undefined) {
        // Nothing read yet: a streamed part is read through (and dropped) to complete the fingerprint.
        if (request.fingerprint !== undefined && request.fingerprint.digest === undefined) await request.fingerprint.settle();
        return resolveRepeatedKey(request, earlier, this.target.label);
      }
      const parts = await prepareParts(db, request.parts, this.chunkSize);
      const result = await this.submits.run({ request, parts });
      if (!result.duplicate) this.work.emit();
      return result;
    });
  }

  /** A claim that fails may still have leased (its commit unseen): it counts as a write to messages unknown. */
  private async leasing<T>(lease: Promise<T>): Promise<T> {
    try {
      return await lease;
    } catch (error) {
      this.readAhead.write()();
      throw error;
    }
  }

  /**
   * A claim goes at the end of this turn of the event loop, carrying the completions queued in it
   * in its own statement (carried-completions.ts): a send slot that frees asks for the next claim
   * in the same turn as it records the last results.
   */
  claim(request: ClaimRequest): Promise<Claim[]> {
    return this.run('claim recipients', async (db) => {
      const ticket = this.readAhead.ticket();
      const partBytes = Math.min(READ_AHEAD_PART_BYTES, this.chunkSize);
      const leased = await this.leasing(
        this.completions.carry(
          (completions, settle) => claimCarrying(db, request, partBytes, completions, settle, (e) => isUnavailable(e) || isStoreFull(e)),
          () => leaseDueRecipients(db, request, partBytes),
        ),
      );
      this.readAhead.keep(ticket, leased.claims.map((c) => c.messageId), leased.messages, leased.parts);
      return leased.claims;
    });
  }

  claimStranded(request: StrandedClaimRequest): Promise<StrandedClaim[]> {
    return this.run('claim stranded recipients', async (db) => {
      const ticket = this.readAhead.ticket();
      const claims = await this.leasing(leaseStrandedRecipients(db, request));
      this.readAhead.keep(ticket, claims.map((c) => c.messageId), [], []);
      return claims;
    });
  }

  async complete(completion: Completion): Promise<CompletionReceipt> {
    const done = this.readAhead.write(completion.messageId);
    const receipt = await this.run('complete a claim', () => this.completions.run(completion)).finally(done);
    if (completion.result.state === 'queued' || completion.result.state === 'deferred') this.work.emit();
    return receipt;
  }

  async makeDue(providers: readonly string[], now: number, limit?: number): Promise<number> {
    const done = this.readAhead.write();
    const count = await this.run('make recipients due', (db) => makeRecipientsDue(db, providers, now, limit)).finally(done);
    if (count > 0) this.work.emit();
    return count;
  }

  abort(messageId: string, now: number): Promise<void> {
    const done = this.readAhead.write(messageId);
    return this.run('abort a message', (db) => abortMessage(db, messageId, now)).finally(done);
  }

  getMessage(messageId: string): Promise<StoredMessage | undefined> {
    return this.run('read a message', () => {
      const row = this.readAhead.takeMessage(messageId);
      return row ? this.records.decodeMessage(row) : this.records.message(messageId);
    });
  }

  listQueue(options?: ListOptions): Promise<StoredMessage[]> {
    return this.run('list the queue', () => this.records.queue(options));
  }

  listSent(options?: ListOptions): Promise<StoredMessage[]> {
    return this.run('list sent messages', () => this.records.sent(options));
  }

  counts(): Promise<QueueCounts> {
    return this.run('count recipients', (db) => countRecipients(db));
  }

  nextWakeAt(): Promise<number | null> {
    return this.run('find the next due time', (db) => earliestDue(db));
  }

  purgeSent(before: number, limit?: number): Promise<number> {
    const done = this.readAhead.purge();
    return this.run('purge sent messages', (db) => purgeFinished(db, before, limit)).finally(done);
  }

  receive(request: ReceiveRequest): Promise<Array<{ mailbox: string; id: string }>> {
    return this.run('receive a message', async (db) => {
      // With content all in memory the insert itself finds a repeated key (ON CONFLICT DO NOTHING, then
      // the earlier entries are read): the look-up first is only worth a round trip when parts would stream.
      if (request.parts.some((p) => !isInMemory(p.content))) {
        const earlier = await findReceiptByKey(db, request.idempotencyKey);
        if (earlier) return earlier;
      }
      return insertInboxEntries(db, request, await prepareParts(db, request.parts, this.chunkSize));
    });
  }

  listInbox(mailbox: string, options?: ListOptions & { readonly unreadOnly?: boolean }): Promise<InboxEntry[]> {
    return this.run('list an inbox', () => this.records.inbox(mailbox, options));
  }

  getInboxEntry(id: string): Promise<InboxEntry | undefined> {
    return this.run('read an inbox entry', () => this.records.inboxEntry(id));
  }

  markRead(id: string, read: boolean): Promise<void> {
    return this.run('mark an inbox entry read', (db) => setRead(db, id, read));
  }

  openPart(partId: string): Readable {
    const data = this.readAhead.takePart(partId);
    if (data) return openReadPart(data);
    return openPartStream(
      () => this.database(`read content part ${partId}`),
      partId,
      (action, error) => this.toError(action, error),
    );
  }

  /** A part read ahead by the claim is handed over as it is; any other is streamed and collected. */
  readPart(partId: string): Promise<Buffer> {
    const data = this.readAhead.takePart(partId);
    return data ? Promise.resolve(data) : collectPart(this.openPart(partId));
  }

  quarantined(): Promise<QuarantinedRecord[]> {
    return this.run('list quarantined records', (db) => readQuarantine(db));
  }

  onWork(listener: () => void): () => void {
    return this.work.add(listener);
  }

  /** Runs one store operation, turning connection failures into `XPORT_STORE_UNAVAILABLE`. */
  private async run<T>(action: string, work: (db: Database) => Promise<T>): Promise<T> {
    try {
      return await work(this.database(action));
    } catch (error) {
      throw this.toError(action, error);
    }
  }

  private database(action: string): Database {
    if (this.db) return this.db;
    throw toUnavailable(this.target, action, new Error('the store is not open (call open() first)'), '');
  }

  private toError(action: string, error: unknown): unknown {
    return toStoreError(this.target, action, error, this.options.connectionString);
  }
}

/**
 * Creates a PostgreSQL message store: several daemons, on one host or many, can share its queue.
 *
 * @example
 * const store = createPostgresStore({ connectionString: process.env.DATABASE_URL!, schema: 'xport' });
 * await store.open();
 * const { messageId } = await store.submit(request);
 */
export function createPostgresStore(options: PostgresStoreOptions): MessageStore {
  return new PostgresStore(options);
}

