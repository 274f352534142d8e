import { randomUUID } from 'node:crypto';
import {
  XportError,
  type Claim,
  type ClaimRequest,
  type Completion,
  type CompletionReceipt,
  type PartInfo,
  type StrandedClaim,
  type StrandedClaimRequest,
  type SubmitRequest,
  type SubmitResult,
} from '@xport/provider-sdk';
import { DueIndex } from './due-index.js';
import { copyPlain, dueAt, isFinalState, type MemoryMessage, type MemoryRecipient } from './memory-records.js';
import { applyClaimResult } from './recipient-transitions.js';

/** The outbox and sent folder of the memory store. Every method runs without awaiting, so each is atomic. */
export class MemoryOutbox {
  /** Unfinished messages, in submit order. */
  readonly queue = new Map<string, MemoryMessage>();
  readonly sent = new Map<string, MemoryMessage>();
  private readonly byKey = new Map<string, string>();
  private readonly due = new DueIndex();
  private seq = 0;

  find(messageId: string): MemoryMessage | undefined {
    return this.queue.get(messageId) ?? this.sent.get(messageId);
  }

  findByKey(key: string | undefined): MemoryMessage | undefined {
    const id = key === undefined ? undefined : this.byKey.get(key);
    return id === undefined ? undefined : this.find(id);
  }

  insert(request: SubmitRequest, parts: PartInfo[]): SubmitResult {
    const now = request.submittedAt;
    const recipients: MemoryRecipient[] = request.recipients.map((r, index) => {
      const state = r.state ?? 'queued';
      return {
        index,
        recipient: { ...r.recipient },
        role: r.role,
        provider: r.provider,
        state,
        attempts: 0,
        nextAttemptAt: state === 'queued' ? now : null,
        ...(r.lastError === undefined ? {} : { lastError: { ...r.lastError } }),
        updatedAt: now,
      };
    });
    const message: MemoryMessage = {
      seq: ++this.seq,
      id: randomUUID(),
      envelope: copyPlain(request.envelope),
      recipients,
      parts,
      size: parts.reduce((sum, p) => sum + p.size, 0),
      submittedAt: now,
      expiresAt: request.expiresAt,
      ...(request.idempotencyKey === undefined ? {} : { idempotencyKey: request.idempotencyKey }),
    };
    if (request.idempotencyKey !== undefined) this.byKey.set(request.idempotencyKey, message.id);
    this.queue.set(message.id, message);
    for (const r of recipients) this.due.update(message, r, dueAt(r));
    this.finishIfDone(message, now);
    return { messageId: message.id, duplicate: false };
  }

  claim(request: ClaimRequest): Claim[] {
    const due = this.due.takeDue(request.now, Math.max(0, request.limit), request.providers);
    return due.map(({ message, recipient }) => ({ ...this.lease(message, recipient, request), provider: recipient.provider as string }));
  }

  claimStranded(request: StrandedClaimRequest): StrandedClaim[] {
    const limit = Math.max(0, request.limit);
    const claims: StrandedClaim[] = [];
    const only = request.messageId === undefined ? undefined : this.queue.get(request.messageId);
    if (request.messageId !== undefined && only === undefined) return claims;
    for (const message of only ? [only] : this.queue.values()) {
      const expired = message.expiresAt <= request.now;
      for (const recipient of message.recipients) {
        if (claims.length >= limit) return claims;
        const at = dueAt(recipient);
        const waiting = at !== null && (recipient.state !== 'in-flight' || at <= request.now);
        if (waiting && (expired || recipient.provider === null)) claims.push(this.lease(message, recipient, request));
      }
    }
    return claims;
  }

  /** Puts a recipient in flight under a new lease. */
  private lease(message: MemoryMessage, recipient: MemoryRecipient, request: ClaimRequest | StrandedClaimRequest): StrandedClaim {
    const lease = { id: randomUUID(), owner: request.owner, expiresAt: request.now + request.leaseMs };
    recipient.state = 'in-flight';
    recipient.lease = lease;
    recipient.updatedAt = request.now;
    this.due.update(message, recipient, lease.expiresAt);
    return {
      leaseId: lease.id,
      messageId: message.id,
      recipientIndex: recipient.index,
      recipient: { ...recipient.recipient },
      role: recipient.role,
      provider: recipient.provider,
      attempts: recipient.attempts,
      leaseExpiresAt: lease.expiresAt,
    };
  }

  /** Earliest time a claimable recipient becomes due (one with no provider can never be claimed). */
  nextWakeAt(): number | null {
    return this.due.earliest();
  }

  complete(completion: Completion): CompletionReceipt {
    const { messageId, recipientIndex } = completion;
    const message = this.queue.get(messageId);
    const recipient = message?.recipients[recipientIndex];
    if (!message || !recipient) {
      if (this.sent.has(messageId)) throw staleLease(completion, 'the message is already finished');
      throw new XportError('XPORT_STORE_NOT_FOUND', `memory store: message ${messageId} recipient #${recipientIndex} is not in the queue`, {
        details: { messageId, recipientIndex },
      });
    }
    if (recipient.state !== 'in-flight' || recipient.lease?.id !== completion.leaseId) {
      throw staleLease(completion, `current lease is ${recipient.lease?.id ?? 'none'} (state ${recipient.state})`);
    }
    const now = completion.now ?? Date.now();
    applyClaimResult(recipient, completion.result, now);
    this.due.update(message, recipient, dueAt(recipient));
    return { messageFinished: this.finishIfDone(message, now) };
  }

  makeDue(providers: readonly string[], now: number): number {
    const wanted = new Set(providers);
    let count = 0;
    for (const message of this.queue.values()) {
      for (const r of message.recipients) {
        if ((r.state !== 'queued' && r.state !== 'deferred') || r.provider === null || !wanted.has(r.provider)) continue;
        if (r.nextAttemptAt !== null && r.nextAttemptAt <= now) continue;
        r.nextAttemptAt = now;
        r.updatedAt = now;
        this.due.update(message, r, now);
        count += 1;
      }
    }
    return count;
  }

  abort(messageId: string, now: number): void {
    const message = this.queue.get(messageId);
    if (!message) {
      const why = this.sent.has(messageId) ? 'is already finished' : 'does not exist';
      throw new XportError('XPORT_STORE_NOT_FOUND', `memory store: cannot abort message ${messageId}: it ${why}`, { details: { messageId } });
    }
    const busy = message.recipients.find((r) => r.state === 'in-flight' && (r.lease?.expiresAt ?? 0) > now);
    if (busy) {
      throw new XportError(
        'XPORT_STORE_IN_FLIGHT',
        `memory store: cannot abort message ${messageId}: recipient #${busy.index} is being sent (lease held by ${busy.lease?.owner} until ${busy.lease?.expiresAt})`,
        { details: { messageId, recipientIndex: busy.index } },
      );
    }
    for (const r of message.recipients) {
      if (isFinalState(r.state)) continue;
      r.state = 'aborted';
      r.nextAttemptAt = null;
      r.updatedAt = now;
      delete r.lease;
      this.due.update(message, r, null);
    }
    this.finishIfDone(message, now);
  }

  purgeSent(before: number): MemoryMessage[] {
    const purged: MemoryMessage[] = [];
    for (const message of this.sent.values()) {
      if ((message.finishedAt ?? Infinity) >= before) continue;
      purged.push(message);
      this.sent.delete(message.id);
      if (message.idempotencyKey !== undefined) this.byKey.delete(message.idempotencyKey);
    }
    return purged;
  }

  private finishIfDone(message: MemoryMessage, now: number): boolean {
    if (message.finishedAt !== undefined || !message.recipients.every((r) => isFinalState(r.state))) return false;
    message.finishedAt = now;
    this.queue.delete(message.id);
    this.sent.set(message.id, message);
    return true;
  }
}

function staleLease(completion: Completion, why: string): XportError {
  const { messageId, recipientIndex, leaseId } = completion;
  return new XportError(
    'XPORT_STORE_STALE_LEASE',
    `memory store: message ${messageId} recipient #${recipientIndex}: lease ${leaseId} is no longer current (${why})`,
    { details: { messageId, recipientIndex, leaseId } },
  );
}
