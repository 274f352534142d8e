import type { InboxEntry, MessageEnvelope, PartInfo, Recipient, RecipientError, RecipientRole, RecipientState, StoredMessage } from '@xport/provider-sdk';

export interface MessageRow {
  seq: number;
  id: string;
  idempotency_key: string | null;
  envelope: string;
  parts: string;
  size: number;
  submitted_at: number;
  expires_at: number;
  finished_at: number | null;
}

export interface RecipientRow {
  idx: number;
  recipient: string;
  role: string;
  provider: string | null;
  state: string;
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  updated_at: number;
}

export interface InboxRow {
  id: string;
  mailbox: string;
  envelope: string;
  parts: string;
  size: number;
  received_at: number;
  received_by: string | null;
  read: number;
}

/** A stored record that does not decode: the reason goes into the quarantine list. */
export class UndecodableRecord extends Error {}

function parseJson<T>(text: string, field: string, check: (value: unknown) => boolean): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UndecodableRecord(`${field} is not valid JSON (${(error as Error).message})`);
  }
  if (!check(value)) throw new UndecodableRecord(`${field} does not have the expected shape`);
  return value as T;
}

const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);

export function decodeEnvelope(text: string): MessageEnvelope {
  return parseJson(text, 'envelope', (v) => isObject(v) && typeof (v as { kind?: unknown }).kind === 'string');
}

export function decodeParts(text: string): PartInfo[] {
  return parseJson(text, 'parts', (v) => Array.isArray(v) && v.every((p) => isObject(p) && typeof (p as { partId?: unknown }).partId === 'string'));
}

export function decodeRecipient(text: string): Recipient {
  return parseJson(text, 'recipient', (v) => isObject(v) && typeof (v as Recipient).type === 'string' && typeof (v as Recipient).address === 'string');
}

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
      ...(r.last_error === null ? {} : { lastError: parseJson<RecipientError>(r.last_error, 'last_error', isObject) }),
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
    read: row.read !== 0,
    ...(row.received_by === null ? {} : { receivedBy: row.received_by }),
  };
}
