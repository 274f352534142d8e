import type { DeliveryEvent } from './delivery-events.js';
import { isDeliveryEventType } from './delivery-events.js';
import { formatRecipient } from '../address.js';
import { decodeRecipientErrorRecord, decodeRecipientRecord, undecodableRecordError } from './record-codec.js';

/**
 * An event log row of a relational store, in the column names the SQLite and PostgreSQL stores
 * share (table `events`). `recipient` and `error` hold the same records as the `recipients` table
 * (JSON text or a parsed value), so a write copies them from the recipient row without decoding.
 */
export interface EventRecordRow {
  readonly id: number | string;
  readonly type: string;
  readonly at: number | string;
  readonly message_id: string;
  readonly recipient_index: number | null;
  readonly recipient: unknown;
  readonly provider: string | null;
  readonly attempts: number | null;
  readonly error: unknown;
  readonly next_attempt_at: number | string | null;
  readonly mailbox: string | null;
}

/** The columns an event row is read with (`SELECT ${EVENT_COLUMNS} FROM events`). */
export const EVENT_COLUMNS = 'id, type, at, message_id, recipient_index, recipient, provider, attempts, error, next_attempt_at, mailbox';

/**
 * An event row as a `DeliveryEvent` (numbers from BIGINT text); throws `XPORT_STORE_CORRUPT_RECORD`
 * when a field does not decode.
 *
 * @example
 * const events = rows.map(decodeEventRow);
 */
export function decodeEventRow(row: EventRecordRow): DeliveryEvent {
  if (!isDeliveryEventType(row.type)) throw undecodableRecordError('type', `is not a delivery event type (${String(row.type)})`);
  const event: { -readonly [K in keyof DeliveryEvent]: DeliveryEvent[K] } = { id: Number(row.id), type: row.type, at: Number(row.at), messageId: row.message_id };
  if (row.recipient_index !== null) event.recipientIndex = row.recipient_index;
  if (row.recipient !== null && row.recipient !== undefined) event.recipient = formatRecipient(decodeRecipientRecord(row.recipient));
  if (row.type !== 'submitted') event.provider = row.provider;
  if (row.attempts !== null) event.attempts = row.attempts;
  if (row.error !== null && row.error !== undefined) event.error = decodeRecipientErrorRecord(row.error);
  if (row.next_attempt_at !== null) event.nextAttemptAt = Number(row.next_attempt_at);
  if (row.mailbox !== null) event.mailbox = row.mailbox;
  return event;
}
