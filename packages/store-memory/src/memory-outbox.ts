import {
  XportError,
  completionEvent,
  deletedEvent,
  recipientEvent,
  fingerprintToKeep,
  isFinalRecipientState,
  submitEvents,
  isStranded,
  isWaitingRecipientState,
  type Claim,
  type ClaimRequest,
  type Completion,
  type CompletionReceipt,
  type PartInfo,
  type StrandedClaim,
  type StrandedClaimRequest,
  type SubmitRequest,
  type SubmitResult,
  type OperationResult,
  type AsyncBounceTransition,
} from '@xport/provider-sdk';
import { DueIndex } from './due-index.js';
import { createMemoryRecipient, dueAt, toFrozenEnvelope, toFrozenError, type MemoryMessage, type MemoryRecipient } from './memory-records.js';
import { leaseRecipient, leasedRecipient, liveLease } from './leasing.js';
import { RecordIds } from './record-ids.js';
import { RecordSlots } from './record-slots.js';
import { SentKeyIndex } from './sent-key-index.js';
import { applyClaimResult } from './recipient-transitions.js';
import { UnfinishedMessages } from './unfinished-messages.js';
import type { MemoryEvents } from './memory-events.js';

/**
 * The outbox and sent folder of the memory store. Every method runs without awaiting, so each is
 * atomic. A message is filed once, by id, whether queued or sent: finishing it sets `finishedAt`
 * instead of moving it between tables.
 */
export class MemoryOutbox {
  private readonly messages = new RecordSlots<MemoryMessage>(8);
  /** Unfinished messages, in submit order. */
  readonly queue = new UnfinishedMessages();
  private readonly byKey = new Map<string, MemoryMessage>();
  /** Messages by ENVID and Message-ID, for bounce correlation. */
  readonly sentKeys = new SentKeyIndex();
  private readonly due = new DueIndex();
  private readonly leaseIds = new RecordIds();
  private seq = 0;

  constructor(private readonly events: MemoryEvents) {}

  find(messageId: string): MemoryMessage | undefined {
    return this.messages.get(messageId);
  }

  findByKey(key: string | undefined): MemoryMessage | undefined {
    return key === undefined ? undefined : this.byKey.get(key);
  }

  /** Finished messages, in submit order. */
  *sent(): Generator<MemoryMessage> {
    for (const message of this.messages.values()) if (message.finishedAt !== undefined) yield message;
  }

  /** Every message, queued or sent, in submit order. */
  all(): Iterable<MemoryMessage> {
    return this.messages.values();
  }

  insert(request: SubmitRequest, parts: readonly PartInfo[]): SubmitResult {
    const now = request.submittedAt;
    // Sized up front: a pushed-to array keeps room for 16, and every queued and sent message holds this one.
    const recipients = new Array<MemoryRecipient>(request.recipients.length);
    const message: MemoryMessage = {
      seq: ++this.seq,
      id: this.messages.nextId(),
      envelope: toFrozenEnvelope(request.envelope),
      recipients,
      parts,
      size: totalSize(parts),
      submittedAt: now,
      expiresAt: request.expiresAt,
      finishedAt: undefined,
      idempotencyKey: request.idempotencyKey,
      idempotencyFingerprint: fingerprintToKeep(request),
    };
    for (let i = 0; i < recipients.length; i += 1) recipients[i] = createMemoryRecipient(message, i, request.recipients[i]!, now);
    if (request.idempotencyKey !== undefined) this.byKey.set(request.idempotencyKey, message);
    this.messages.add(message.id, message);
    this.sentKeys.add(message);
    this.queue.add(message);
    for (const r of recipients) this.due.update(r, dueAt(r));
    this.finishIfDone(message, now);
    this.events.append(submitEvents(message.id, request));
    return { messageId: message.id, duplicate: false };
  }

  claim(request: ClaimRequest): Claim[] {
    const due = this.due.takeDue(request.now, Math.max(0, request.limit), request.providers, request.skipDestinations);
    const claims: Claim[] = [];
    // Only recipients with a provider are filed in the due index, so each claim has one.
    for (const recipient of due) claims.push(this.lease(recipient, request) as Claim);
    return claims;
  }

  claimStranded(request: StrandedClaimRequest): StrandedClaim[] {
    const limit = Math.max(0, request.limit);
    const claims: StrandedClaim[] = [];
    const only = request.messageId === undefined ? undefined : this.messages.get(request.messageId);
    if (request.messageId !== undefined && (only === undefined || only.finishedAt !== undefined)) return claims;
    for (const message of only ? [only] : this.queue) {
      for (const recipient of message.recipients) {
        if (claims.length >= limit) return claims;
        const stranded = isStranded(
          { state: recipient.state, provider: recipient.provider, dueAt: dueAt(recipient), expiresAt: message.expiresAt, expiresWhileHeld: recipient.expiresWhileHeld },
          request.now,
        );
        if (stranded) claims.push(this.lease(recipient, request));
      }
    }
    return claims;
  }

  /** Puts a recipient in flight under a new lease, filed in the due index at its expiry. */
  private lease(recipient: MemoryRecipient, request: ClaimRequest | StrandedClaimRequest): StrandedClaim {
    const claim = leaseRecipient(recipient, request, this.leaseIds);
    this.due.update(recipient, claim.leaseExpiresAt);
    return claim;
  }

  /** Earliest time a claimable recipient becomes due (one with no provider can never be claimed). */
  nextWakeAt(): number | null {
    return this.due.earliest();
  }

  complete(completion: Completion): CompletionReceipt {
    const recipient = leasedRecipient(this.messages.get(completion.messageId), completion);
    const now = completion.now ?? Date.now();
    applyClaimResult(recipient, completion.result, now);
    this.due.update(recipient, dueAt(recipient));
    const event = completionEvent(toCompleted(recipient), completion.result, now);
    if (event !== undefined) this.events.append([event]);
    return { messageFinished: this.finishIfDone(recipient.message, now) };
  }

  makeDue(providers: readonly string[], now: number, limit = Infinity): number {
    const wanted = new Set(providers);
    let count = 0;
    for (const message of this.queue) {
      for (const r of message.recipients) {
        if (count >= limit) return count;
        if (!isWaitingRecipientState(r.state) || r.provider === null || !wanted.has(r.provider)) continue;
        if (r.nextAttemptAt !== null && r.nextAttemptAt <= now) continue;
        r.nextAttemptAt = now;
        r.updatedAt = now;
        this.due.update(r, now);
        count += 1;
      }
    }
    return count;
  }

  /** Writes what a queue operation makes of a recipient (`queueOperationResult`); true when its message finished. */
  applyOperationResult(recipient: MemoryRecipient, result: OperationResult, now: number): boolean {
    recipient.state = result.state;
    recipient.nextAttemptAt = result.nextAttemptAt;
    recipient.expiresWhileHeld = result.expiresWhileHeld;
    if (result.lastError !== undefined) recipient.lastError = toFrozenError(result.lastError);
    recipient.updatedAt = now;
    this.due.update(recipient, dueAt(recipient));
    if (result.event !== undefined) this.events.append([recipientEvent(result.event, toCompleted(recipient), now)]);
    return result.final && this.finishIfDone(recipient.message, now);
  }

  /** A delivered recipient failed by a late bounce (`asyncBounceTransition`), with its `bounced` event. */
  applyAsyncBounce(recipient: MemoryRecipient, transition: AsyncBounceTransition, now: number): void {
    recipient.state = transition.state;
    recipient.lastError = toFrozenError(transition.lastError);
    recipient.updatedAt = now;
    this.events.append([recipientEvent(transition.event, toCompleted(recipient), now, transition.lastError)]);
  }

  abort(messageId: string, now: number): void {
    const message = this.messages.get(messageId);
    if (!message || message.finishedAt !== undefined) {
      const why = message ? 'is already finished' : 'does not exist';
      throw new XportError('XPORT_STORE_NOT_FOUND', `memory store: cannot abort message ${messageId}: it ${why}`, { details: { messageId } });
    }
    const busy = liveLease(message, now);
    if (busy) {
      throw new XportError(
        'XPORT_STORE_IN_FLIGHT',
        `memory store: cannot abort message ${messageId}: recipient #${busy.index} is being sent (lease held by ${busy.leaseOwner} until ${busy.leaseExpiresAt})`,
        { details: { messageId, recipientIndex: busy.index } },
      );
    }
    for (const r of message.recipients) {
      if (isFinalRecipientState(r.state)) continue;
      this.events.append([deletedEvent(toCompleted(r), now)]);
      r.state = 'aborted';
      r.nextAttemptAt = null;
      r.updatedAt = now;
      r.leaseId = undefined;
      r.leaseExpiresAt = null;
      this.due.update(r, null);
    }
    this.finishIfDone(message, now);
  }

  /** Sent messages finished before `before`, oldest first, at most `limit`. */
  purgeSent(before: number, limit = Infinity): MemoryMessage[] {
    const old: MemoryMessage[] = [];
    for (const message of this.messages.values()) if ((message.finishedAt ?? Infinity) < before) old.push(message);
    const purged = old.sort((a, b) => a.finishedAt! - b.finishedAt! || a.seq - b.seq).slice(0, Math.max(0, limit));
    for (const message of purged) {
      this.messages.delete(message.id);
      this.sentKeys.remove(message);
      if (message.idempotencyKey !== undefined) this.byKey.delete(message.idempotencyKey);
    }
    return purged;
  }

  private finishIfDone(message: MemoryMessage, now: number): boolean {
    if (message.finishedAt !== undefined) return false;
    for (const r of message.recipients) if (!isFinalRecipientState(r.state)) return false;
    message.finishedAt = now;
    this.queue.noteFinished();
    return true;
  }
}

function toCompleted(r: MemoryRecipient) {
  return { messageId: r.message.id, recipientIndex: r.index, recipient: r.recipient, provider: r.provider, attempts: r.attempts };
}

function totalSize(parts: readonly PartInfo[]): number {
  let size = 0;
  for (const part of parts) size += part.size;
  return size;
}
