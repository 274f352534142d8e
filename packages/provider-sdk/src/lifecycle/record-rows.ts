import type { InboxEntry, StoredMessage, StoredRecipient } from '../store.js';
import {
  decodeEnvelopeRecord,
  decodePartsRecord,
  decodeRecipientErrorRecord,
  decodeRecipientRecord,
  decodeRecipientRoleRecord,
  decodeRecipientStateRecord,
} from './record-codec.js';

// The rows of a relational store, in the column names the SQLite and PostgreSQL stores share. JSON
// columns hold their text or their parsed value (see record-codec.ts); each is judged there.

export interface MessageRecordRow {
  readonly id: string;
  readonly idempotency_key: string | null;
  readonly envelope: unknown;
  readonly parts: unknown;
  readonly size: number;
  readonly submitted_at: number;
  readonly expires_at: number;
  readonly finished_at: number | null;
}

export interface RecipientRecordRow {
  readonly idx: number;
  readonly recipient: unknown;
  readonly role: unknown;
  readonly provider: string | null;
  readonly state: unknown;
  readonly attempts: number;
  readonly next_attempt_at: number | null;
  readonly last_error: unknown;
  readonly updated_at: number;
  /** 0/1 or a boolean: held with `expire` (read only while held). Absent: never. */
  readonly expires_while_held?: unknown;
}

export interface InboxRecordRow {
  readonly id: string;
  readonly mailbox: string;
  readonly envelope: unknown;
  readonly parts: unknown;
  readonly size: number;
  readonly received_at: number;
  readonly received_by: string | null;
  /** 0/1 or a boolean. */
  readonly read: unknown;
}

function decodeRecipientRow(r: RecipientRecordRow): StoredRecipient {
  const stored: { -readonly [K in keyof StoredRecipient]: StoredRecipient[K] } = {
    index: r.idx,
    recipient: decodeRecipientRecord(r.recipient),
    role: decodeRecipientRoleRecord(r.role),
    provider: r.provider,
    state: decodeRecipientStateRecord(r.state),
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    updatedAt: r.updated_at,
  };
  if (r.last_error !== null && r.last_error !== undefined) stored.lastError = decodeRecipientErrorRecord(r.last_error);
  if (stored.state === 'held' && (r.expires_while_held === true || r.expires_while_held === 1)) stored.expiresWhileHeld = true;
  return stored;
}

/**
 * A message row and its recipient rows as the contract's `StoredMessage`; throws
 * `XPORT_STORE_CORRUPT_RECORD` (see `isUndecodableRecord`) when any field does not decode.
 *
 * @example
 * try { return decodeMessageRow(row, recipientRows); } catch (e) { if (isUndecodableRecord(e)) quarantine(row.id, e.message); else throw e; }
 */
export function decodeMessageRow(row: MessageRecordRow, recipients: readonly RecipientRecordRow[]): StoredMessage {
  const message: { -readonly [K in keyof StoredMessage]: StoredMessage[K] } = {
    id: row.id,
    envelope: decodeEnvelopeRecord(row.envelope),
    recipients: recipients.map(decodeRecipientRow),
    parts: decodePartsRecord(row.parts),
    size: row.size,
    submittedAt: row.submitted_at,
    expiresAt: row.expires_at,
  };
  if (row.finished_at !== null) message.finishedAt = row.finished_at;
  if (row.idempotency_key !== null) message.idempotencyKey = row.idempotency_key;
  return message;
}

/**
 * An inbox row as the contract's `InboxEntry`; throws `XPORT_STORE_CORRUPT_RECORD` when it does not decode.
 *
 * @example
 * const entry = decodeInboxRow(row);
 */
export function decodeInboxRow(row: InboxRecordRow): InboxEntry {
  const entry: { -readonly [K in keyof InboxEntry]: InboxEntry[K] } = {
    id: row.id,
    mailbox: row.mailbox,
    envelope: decodeEnvelopeRecord(row.envelope),
    parts: decodePartsRecord(row.parts),
    size: row.size,
    receivedAt: row.received_at,
    read: row.read === true || row.read === 1,
  };
  if (row.received_by !== null) entry.receivedBy = row.received_by;
  return entry;
}
