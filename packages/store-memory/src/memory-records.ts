import type { DueQueue } from './due-queue.js';
import {
  encodeEnvelopeRecord,
  recipientDestination,
  recipientDueAt,
  type MessageEnvelope,
  type PartInfo,
  type Recipient,
  type RecipientError,
  type RecipientRole,
  type RecipientState,
  type StoredMessage,
  type StoredRecipient,
  type SubmitRequest,
} from '@xport/provider-sdk';

/**
 * A recipient as the memory store keeps it: mutable, with its lease while in flight and its place in
 * the due index while claimable. Every field is set at creation and none is ever deleted, so all
 * recipients share one shape (a `delete` would turn each into a slow dictionary object).
 */
export interface MemoryRecipient {
  readonly message: MemoryMessage;
  readonly index: number;
  /** Frozen: handed out as it is in claims and stored messages. */
  readonly recipient: Recipient;
  readonly role: RecipientRole;
  provider: string | null;
  /** The destination its transport names for it (`recipientDestination`), for the claim's `skipDestinations`. */
  destination: string;
  state: RecipientState;
  attempts: number;
  nextAttemptAt: number | null;
  /** Frozen, like `recipient`. */
  lastError: RecipientError | undefined;
  updatedAt: number;
  /** Held with `expire` (`OperationResult.expiresWhileHeld`): the stranded rule expires it while held. */
  expiresWhileHeld: boolean;
  /** The current lease while in flight (undefined otherwise), its holder and expiry (null: no lease). */
  leaseId: string | undefined;
  leaseOwner: string;
  leaseExpiresAt: number | null;
  /** The due index's bookkeeping: the queue it is filed in, at which time, and its place in the queue's sorted run or its heap (-1: not there). */
  dueQueue: DueQueue | undefined;
  filedAt: number;
  runIndex: number;
  heapIndex: number;
}

/** A message as the memory store keeps it. Envelope and parts are frozen and handed out without copying. */
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
  finishedAt: number | undefined;
  readonly idempotencyKey: string | undefined;
  /** The content's fingerprint kept with the key (null: none given), to tell a retry from a conflict. */
  readonly idempotencyFingerprint: string | null;
}

/** A frozen copy of a recipient address: neither the caller who gave it nor one who reads it can change the stored one. */
export function toFrozenRecipient(recipient: Recipient): Recipient {
  const { type, address, name } = recipient;
  return Object.freeze(name === undefined ? { type, address } : { type, address, name });
}

export function toFrozenError(error: RecipientError): RecipientError {
  return Object.freeze({ ...error });
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/** A frozen copy of a header map; an own "__proto__" header stays a header, as structuredClone keeps it. */
function toFrozenHeaders(headers: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  const names = Object.keys(headers);
  // Most messages have no extra headers: they all share one frozen empty map.
  if (names.length === 0) return NO_HEADERS;
  const out: Record<string, string> = {};
  for (const name of names) {
    if (name === '__proto__') Object.defineProperty(out, name, { value: headers[name], enumerable: true, writable: true, configurable: true });
    else out[name] = headers[name]!;
  }
  return Object.freeze(out);
}

function toFrozenData<T>(value: T): T {
  if (typeof value === 'object' && value !== null) for (const inner of Object.values(value)) toFrozenData(inner);
  return Object.freeze(value);
}

/**
 * A frozen copy of an envelope, made once when it is stored. Reads then hand out the stored object
 * itself: one copy per message instead of a deep copy per read (the submit → claim → receive path
 * read each envelope several times). Only the contract's fields are kept (the SDK's stored form).
 */
export function toFrozenEnvelope(envelope: MessageEnvelope): MessageEnvelope {
  const out: { -readonly [K in keyof MessageEnvelope]: MessageEnvelope[K] } = encodeEnvelopeRecord(envelope);
  out.headers = toFrozenHeaders(envelope.headers);
  if (envelope.from !== undefined) out.from = toFrozenRecipient(envelope.from);
  // Plain data (the kernel validated it): a structured copy, frozen like the rest.
  if (envelope.dsn !== undefined) out.dsn = toFrozenData(structuredClone(envelope.dsn));
  return Object.freeze(out);
}

/** A submitted recipient as the store keeps it, every field set (see {@link MemoryRecipient}). */
export function createMemoryRecipient(message: MemoryMessage, index: number, input: SubmitRequest['recipients'][number], now: number): MemoryRecipient {
  const state = input.state ?? 'queued';
  return {
    message,
    index,
    recipient: toFrozenRecipient(input.recipient),
    role: input.role,
    provider: input.provider,
    destination: recipientDestination(input),
    state,
    attempts: 0,
    nextAttemptAt: state === 'queued' ? now : null,
    lastError: input.lastError === undefined ? undefined : toFrozenError(input.lastError),
    updatedAt: now,
    expiresWhileHeld: false,
    leaseId: undefined,
    leaseOwner: '',
    leaseExpiresAt: null,
    dueQueue: undefined,
    filedAt: 0,
    runIndex: -1,
    heapIndex: -1,
  };
}

/** When a recipient is next claimable (the SDK's `recipientDueAt`: the record has its fields). */
export function dueAt(recipient: MemoryRecipient): number | null {
  return recipientDueAt(recipient);
}

function toStoredRecipient(r: MemoryRecipient): StoredRecipient {
  const stored: { -readonly [K in keyof StoredRecipient]: StoredRecipient[K] } = {
    index: r.index,
    recipient: r.recipient,
    role: r.role,
    provider: r.provider,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.nextAttemptAt,
    updatedAt: r.updatedAt,
  };
  if (r.lastError !== undefined) stored.lastError = r.lastError;
  if (r.state === 'held' && r.expiresWhileHeld) stored.expiresWhileHeld = true;
  return stored;
}

/**
 * A snapshot the caller may keep: later store changes never show through it. Its own objects are
 * fresh; envelope, addresses, errors and parts are the stored frozen ones, so they cannot be changed
 * through it either.
 */
export function toStoredMessage(message: MemoryMessage): StoredMessage {
  const recipients: StoredRecipient[] = [];
  for (const r of message.recipients) recipients.push(toStoredRecipient(r));
  const stored: { -readonly [K in keyof StoredMessage]: StoredMessage[K] } = {
    id: message.id,
    envelope: message.envelope,
    recipients,
    parts: message.parts,
    size: message.size,
    submittedAt: message.submittedAt,
    expiresAt: message.expiresAt,
  };
  if (message.finishedAt !== undefined) stored.finishedAt = message.finishedAt;
  if (message.idempotencyKey !== undefined) stored.idempotencyKey = message.idempotencyKey;
  return stored;
}
