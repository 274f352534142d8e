import {
  fromQueueCursor,
  isFinalRecipientState,
  queueOperationApplies,
  queueOperationResult,
  recipientMatches,
  skipsInFlight,
  toQueueCursor,
  toRecipientFilter,
  type AffectedRecipient,
  type QueueEntry,
  type QueueListRequest,
  type QueueOperationBatch,
  type QueueOperationCount,
  type QueueOperationCountRequest,
  type QueueOperationRequest,
  type QueueOperationsStore,
  type QueuePage,
  type RecipientFilter,
} from '@xport/provider-sdk';
import type { MemoryOutbox } from './memory-outbox.js';
import type { MemoryRecipient } from './memory-records.js';

/** The open recipients of the queue a filter selects, in submit order then index, after `after`. */
function* selected(outbox: MemoryOutbox, filter: RecipientFilter, after?: { seq: number; index: number }): Generator<MemoryRecipient> {
  for (const message of outbox.queue) {
    if (after !== undefined && message.seq < after.seq) continue;
    for (const r of message.recipients) {
      if (after !== undefined && message.seq === after.seq && r.index <= after.index) continue;
      if (isFinalRecipientState(r.state)) continue;
      if (recipientMatches(filter, { state: r.state, provider: r.provider, recipient: r.recipient, messageId: message.id, submittedAt: message.submittedAt })) yield r;
    }
  }
}

function toQueueEntry(r: MemoryRecipient): QueueEntry {
  const { message } = r;
  const entry: { -readonly [K in keyof QueueEntry]: QueueEntry[K] } = {
    messageId: message.id,
    submittedAt: message.submittedAt,
    expiresAt: message.expiresAt,
    index: r.index,
    recipient: r.recipient,
    role: r.role,
    provider: r.provider,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.nextAttemptAt,
    updatedAt: r.updatedAt,
  };
  if (r.lastError !== undefined) entry.lastError = r.lastError;
  if (r.state === 'held' && r.expiresWhileHeld) entry.expiresWhileHeld = true;
  if (message.envelope.subject !== undefined) entry.subject = message.envelope.subject;
  if (message.envelope.from !== undefined) entry.from = message.envelope.from;
  return entry;
}

/**
 * Queue operations over the memory outbox. Every method runs without awaiting, so each batch is
 * atomic; the SDK's rules decide what is selected and what each recipient becomes.
 */
export class MemoryOperations implements QueueOperationsStore {
  constructor(
    private readonly outbox: MemoryOutbox,
    private readonly assertOpen: () => void,
    private readonly woke: () => void,
  ) {}

  async listRecipients(request: QueueListRequest): Promise<QueuePage> {
    this.assertOpen();
    const filter = toRecipientFilter(request.filter);
    const after = request.cursor === undefined ? undefined : fromQueueCursor(request.cursor);
    const entries: QueueEntry[] = [];
    let more = false;
    for (const r of selected(this.outbox, filter, after)) {
      if (entries.length === request.limit) {
        more = true;
        break;
      }
      entries.push(toQueueEntry(r));
    }
    const last = entries.at(-1);
    const lastSeq = last === undefined ? 0 : this.outbox.find(last.messageId)!.seq;
    return { entries, nextCursor: more && last ? toQueueCursor({ seq: lastSeq, index: last.index }) : null };
  }

  async countOperation(request: QueueOperationCountRequest): Promise<QueueOperationCount> {
    this.assertOpen();
    const filter = toRecipientFilter(request.filter);
    let changes = 0;
    let inFlight = 0;
    for (const r of selected(this.outbox, filter)) {
      if (r.state === 'in-flight') inFlight += skipsInFlight(request.operation) ? 1 : 0;
      else if (queueOperationApplies(request.operation, r, request.now)) changes += 1;
    }
    return { changes, inFlight };
  }

  async applyOperation(request: QueueOperationRequest): Promise<QueueOperationBatch> {
    this.assertOpen();
    const { operation, now } = request;
    const filter = toRecipientFilter(request.filter);
    const result = queueOperationResult(operation, now, { expire: request.expire === true });
    const chosen: MemoryRecipient[] = [];
    let skippedInFlight = 0;
    for (const r of selected(this.outbox, filter)) {
      if (r.state === 'in-flight') skippedInFlight += skipsInFlight(operation) ? 1 : 0;
      else if (chosen.length < request.limit && queueOperationApplies(operation, r, now)) chosen.push(r);
    }
    const affected: AffectedRecipient[] = [];
    const finishedMessages: string[] = [];
    for (const r of chosen) {
      affected.push({ messageId: r.message.id, index: r.index, recipient: r.recipient, provider: r.provider, from: r.state, to: result.state, attempts: r.attempts });
      if (this.outbox.applyOperationResult(r, result, now)) finishedMessages.push(r.message.id);
    }
    if (affected.length > 0 && result.nextAttemptAt !== null) this.woke();
    return { changed: affected.length, skippedInFlight, affected, finishedMessages };
  }
}
