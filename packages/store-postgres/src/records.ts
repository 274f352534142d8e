import type { InboxEntry, MessageEnvelope, PartInfo, Recipient, RecipientError, RecipientRole, RecipientState, StoredMessage } from '@xport/provider-sdk';

export interface MessageRow {
  seq: number;
  id: string;
  idempotency_key: string | null;
  envelope: unknown;
  parts: unknown;
  size: number;
  submitted_at: number;
  expires_at: number;
  finished_at: number | null;
}

export interface RecipientRow {
  message_seq: number;
  idx: number;
  recipient: unknown;
  role: string;
  provider: string | null;
  state: string;
  attempts: number;
  next_attempt_at: number | null;
  last_error: unknown;
  updated_at: number;
}

export interface InboxRow {
  id: string;
  mailbox: string;
  envelope: unknown;
  parts: unknown;
  size: number;
  received_at: number;
  received_by: string | null;
  read: boolean;
}

/** A stored record whose JSON does not have the shape this version expects: it is quarantined. */
export class UndecodableRecord extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function check<T>(value: unknown, field: string, ok: (value: unknown) => boolean): T {
  if (!ok(value)) throw new UndecodableRecord(`${field} does not have the expected shape`);
  return value as T;
}

const decodeEnvelope = (v: unknown): MessageEnvelope => check(v, 'envelope', (e) => isObject(e) && typeof e.kind === 'string' && isObject(e.headers));
const decodeParts = (v: unknown): PartInfo[] =>
  check(v, 'parts', (p) => Array.isArray(p) && p.every((part) => isObject(part) && typeof part.partId === 'string' && typeof part.size === 'number'));
const decodeRecipient = (v: unknown): Recipient =>
  check(v, 'recipient', (r) => isObject(r) && typeof r.type === 'string' && typeof r.address === 'string');
const decodeError = (v: unknown): RecipientError => check(v, 'last_error', (e) => isObject(e) && typeof e.code === 'string');

export function toStoredMessage(row: MessageRow, recipients: readonly RecipientRow[]): StoredMessage {
  return {
    id: row.id,
    envelope: decodeEnvelope(row.envelope),
    recipients: recipients.map((r) => ({
      index: r.idx,
      recipient: decodeRecipient(r.recipient),
      role: r.role as RecipientRole,
      provider: r.provider,
      state: r.state as RecipientState,
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
      ...(r.last_error === null ? {} : { lastError: decodeError(r.last_error) }),
      updatedAt: r.updated_at,
    })),
    parts: decodeParts(row.parts),
    size: row.size,
    submittedAt: row.submitted_at,
    expiresAt: row.expires_at,
    ...(row.finished_at === null ? {} : { finishedAt: row.finished_at }),
    ...(row.idempotency_key === null ? {} : { idempotencyKey: row.idempotency_key }),
  };
}

export function toInboxEntry(row: InboxRow): InboxEntry {
  return {
    id: row.id,
    mailbox: row.mailbox,
    envelope: decodeEnvelope(row.envelope),
    parts: decodeParts(row.parts),
    size: row.size,
    receivedAt: row.received_at,
    read: row.read,
    ...(row.received_by === null ? {} : { receivedBy: row.received_by }),
  };
}
