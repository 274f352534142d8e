import type { Readable } from 'node:stream';
import {
  STORE_DEFAULTS,
  WorkListeners,
  XportError,
  openSentRetention,
  purgeHistory,
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
} from '@xport/provider-sdk';
import { MemoryBounces } from './memory-bounces.js';
import { MemoryContent } from './memory-content.js';
import { MemoryInbox } from './memory-inbox.js';
import { MemoryOutbox } from './memory-outbox.js';
import { MemoryOperations } from './memory-operations.js';
import { MemoryEvents } from './memory-events.js';
import { MemorySuppression } from './memory-suppression.js';
import { toStoredMessage, type MemoryMessage } from './memory-records.js';
import { countRecipients, listFinished, listQueued } from './queue-views.js';

export interface MemoryStoreOptions {
  /** Name used in error messages, to tell several memory stores apart. */
  readonly name?: string;
  /** Finished messages older than this many days are purged (at open and hourly). 0: never. Default `STORE_DEFAULTS.sentRetentionDays` (30). */
  readonly sentRetentionDays?: number;
  /** Where retention runs are reported. */
  readonly logger?: Logger;
}

/** The memory store: the whole contract, nothing durable. Content is read in before a write is applied. */
class MemoryStore implements MessageStore {
  readonly events = new MemoryEvents(() => this.assertOpen());
  private readonly outbox = new MemoryOutbox(this.events);
  private readonly inbox = new MemoryInbox(this.events);
  private readonly content = new MemoryContent();
  private readonly work = new WorkListeners();
  readonly suppression = new MemorySuppression(() => this.assertOpen());
  readonly operations = new MemoryOperations(
    this.outbox,
    () => this.assertOpen(),
    () => this.work.emit(),
  );
  readonly bounces = new MemoryBounces(this.outbox, () => this.assertOpen());
  private opened = false;
  private stopRetention: (() => void) | undefined;

  constructor(
    private readonly name: string,
    private readonly options: MemoryStoreOptions,
  ) {}

  async open(): Promise<void> {
    this.opened = true;
    const days = this.options.sentRetentionDays ?? STORE_DEFAULTS.sentRetentionDays;
    if (days > 0 && !this.stopRetention) this.stopRetention = await openSentRetention(days, (before) => purgeHistory(this, before), this.options.logger);
  }

  async close(): Promise<void> {
    this.stopRetention?.();
    this.stopRetention = undefined;
    this.opened = false;
    this.work.clear();
  }

  async submit(request: SubmitRequest): Promise<SubmitResult> {
    this.assertOpen();
    const earlier = this.outbox.findByKey(request.idempotencyKey);
    if (earlier) {
      // Content not read yet: a streamed part is read through (and dropped) to complete the fingerprint.
      if (request.fingerprint !== undefined && request.fingerprint.digest === undefined) await request.fingerprint.settle();
      return this.repeatedKey(request, earlier);
    }
    let parts = this.content.writeParts(request.parts);
    if (parts instanceof Promise) {
      parts = await parts;
      // The key may have been taken while the content streamed in.
      const raced = this.outbox.findByKey(request.idempotencyKey);
      if (raced) {
        this.content.deleteParts(parts);
        return this.repeatedKey(request, raced);
      }
    }
    const result = this.outbox.insert(request, parts);
    this.work.emit();
    return result;
  }

  async claim(request: ClaimRequest): Promise<Claim[]> {
    this.assertOpen();
    return this.outbox.claim(request);
  }

  async claimStranded(request: StrandedClaimRequest): Promise<StrandedClaim[]> {
    this.assertOpen();
    return this.outbox.claimStranded(request);
  }

  async complete(completion: Completion): Promise<CompletionReceipt> {
    this.assertOpen();
    const receipt = this.outbox.complete(completion);
    const state = completion.result.state;
    if (state === 'queued' || state === 'deferred') this.work.emit();
    return receipt;
  }

  async makeDue(providers: readonly string[], now: number, limit?: number): Promise<number> {
    this.assertOpen();
    const count = this.outbox.makeDue(providers, now, limit);
    if (count > 0) this.work.emit();
    return count;
  }

  async abort(messageId: string, now: number): Promise<void> {
    this.assertOpen();
    this.outbox.abort(messageId, now);
  }

  async getMessage(messageId: string): Promise<StoredMessage | undefined> {
    const message = this.outbox.find(messageId);
    return message ? toStoredMessage(message) : undefined;
  }

  async listQueue(options?: ListOptions): Promise<StoredMessage[]> {
    return listQueued(this.outbox.queue, options);
  }

  async listSent(options?: ListOptions): Promise<StoredMessage[]> {
    return listFinished(this.outbox.sent(), options);
  }

  async counts(): Promise<QueueCounts> {
    return countRecipients(this.outbox.all());
  }

  async nextWakeAt(): Promise<number | null> {
    return this.outbox.nextWakeAt();
  }

  async purgeSent(before: number, limit?: number): Promise<number> {
    this.assertOpen();
    const purged = this.outbox.purgeSent(before, limit);
    for (const message of purged) this.content.deleteParts(message.parts);
    return purged.length;
  }

  async receive(request: ReceiveRequest): Promise<Array<{ mailbox: string; id: string }>> {
    this.assertOpen();
    const earlier = this.inbox.findByKey(request.idempotencyKey);
    if (earlier) return earlier;
    let parts = this.content.writeParts(request.parts);
    if (parts instanceof Promise) {
      parts = await parts;
      const raced = this.inbox.findByKey(request.idempotencyKey);
      if (raced) {
        this.content.deleteParts(parts);
        return raced;
      }
    }
    return this.inbox.insert(request, parts);
  }

  async listInbox(mailbox: string, options?: ListOptions & { readonly unreadOnly?: boolean }): Promise<InboxEntry[]> {
    return this.inbox.list(mailbox, options);
  }

  async getInboxEntry(id: string): Promise<InboxEntry | undefined> {
    return this.inbox.get(id);
  }

  async markRead(id: string, read: boolean): Promise<void> {
    this.assertOpen();
    this.inbox.markRead(id, read);
  }

  openPart(partId: string): Readable {
    return this.content.openPart(partId);
  }

  async readPart(partId: string): Promise<Buffer> {
    return this.content.readPart(partId);
  }

  async quarantined(): Promise<QuarantinedRecord[]> {
    // Nothing is ever decoded from bytes here, so nothing can be undecodable.
    return [];
  }

  onWork(listener: () => void): () => void {
    return this.work.add(listener);
  }

  private repeatedKey(request: SubmitRequest, earlier: MemoryMessage): SubmitResult {
    return resolveRepeatedKey(request, { messageId: earlier.id, fingerprint: earlier.idempotencyFingerprint }, `memory store "${this.name}"`);
  }

  private assertOpen(): void {
    if (!this.opened) {
      throw new XportError('XPORT_STORE_UNAVAILABLE', `memory store "${this.name}" is not open (call open() first)`, {
        details: { store: this.name, expected: 'open', found: 'closed' },
      });
    }
  }
}

/**
 * Creates an in-memory message store, for tests and ephemeral use: nothing survives the process.
 *
 * @example
 * const store = createMemoryStore();
 * await store.open();
 * const { messageId } = await store.submit(request);
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MessageStore {
  return new MemoryStore(options.name ?? 'memory', options);
}
