import type { DueEntry } from './due-index.js';
import {
  FINAL_RECIPIENT_STATES,
  type MessageEnvelope,
  type PartInfo,
  type Recipient,
  type RecipientError,
  type RecipientRole,
  type RecipientState,
  type StoredMessage,
} from '@xport/provider-sdk';

export interface Lease {
  readonly id: string;
  readonly owner: string;
  readonly expiresAt: number;
}

/** A recipient as the memory store keeps it: mutable, with its lease while in flight. */
export interface MemoryRecipient {
  readonly index: number;
  readonly recipient: Recipient;
  readonly role: RecipientRole;
  provider: string | null;
  state: RecipientState;
  attempts: number;
  nextAttemptAt: number | null;
  lastError?: RecipientError;
  updatedAt: number;
  lease?: Lease;
  /** Its current place in the due index, while it is claimable. */
  dueEntry?: DueEntry;
}

export interface MemoryMessage {
  /** Submit order, for ties on the next-attempt time. */
  readonly seq: number;
  readonly id: string;
  readonly envelope: MessageEnvelope;
  readonly recipients: MemoryRecipient[];
  readonly parts: readonly PartInfo[];
  readonly size: number;
  readonly submittedAt: number;
  readonly expiresAt: number;
  finishedAt?: number;
  readonly idempotencyKey?: string;
}

/**
 * A deep copy of JSON-shaped data (an envelope): what `structuredClone` would give for it, at a
 * fraction of the cost on the submit → claim → receive path, where each message is copied several times.
 */
export function copyPlain<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyPlain) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const copied = copyPlain((value as Record<string, unknown>)[key]);
    // An own "__proto__" key (a header may be named so) stays a key, as structuredClone keeps it.
    if (key === '__proto__') Object.defineProperty(out, key, { value: copied, enumerable: true, writable: true, configurable: true });
    else out[key] = copied;
  }
  return out as T;
}

export function isFinalState(state: RecipientState): boolean {
  return FINAL_RECIPIENT_STATES.includes(state);
}

/** When a recipient is next claimable: its next attempt while waiting, its lease expiry while in flight. */
export function dueAt(recipient: MemoryRecipient): number | null {
  if (recipient.state === 'queued' || recipient.state === 'deferred') return recipient.nextAttemptAt;
  if (recipient.state === 'in-flight') return recipient.lease?.expiresAt ?? null;
  return null;
}

/** A copy the caller may keep: later store changes never show through it. */
export function toStoredMessage(message: MemoryMessage): StoredMessage {
  return {
    id: message.id,
    envelope: copyPlain(message.envelope),
    recipients: message.recipients.map((r) => ({
      index: r.index,
      recipient: { ...r.recipient },
      role: r.role,
      provider: r.provider,
      state: r.state,
      attempts: r.attempts,
      nextAttemptAt: r.nextAttemptAt,
      ...(r.lastError === undefined ? {} : { lastError: { ...r.lastError } }),
      updatedAt: r.updatedAt,
    })),
    parts: message.parts.map((p) => ({ ...p })),
    size: message.size,
    submittedAt: message.submittedAt,
    expiresAt: message.expiresAt,
    ...(message.finishedAt === undefined ? {} : { finishedAt: message.finishedAt }),
    ...(message.idempotencyKey === undefined ? {} : { idempotencyKey: message.idempotencyKey }),
  };
}
