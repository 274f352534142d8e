import type { Database } from 'better-sqlite3';
import {
  EVENT_COLUMNS,
  completionEventFields,
  decodeEventRow,
  eventReadLimit,
  submitEvents,
  type ClaimResult,
  type DeliveryEvent,
  type DeliveryEventType,
  type RecipientError,
  type EventReadRequest,
  type EventRecordRow,
  type SubmitRequest,
} from '@xport/provider-sdk';
import { sql } from './statements.js';

const INSERT = `INSERT INTO events (type, at, message_id, recipient_index, recipient, provider, attempts, error, next_attempt_at, mailbox)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** Appends a submit's events (`submitEvents`) in the caller's transaction. */
export function appendSubmitEvents(db: Database, messageId: string, request: SubmitRequest): void {
  const insert = sql(db, INSERT);
  for (const e of submitEvents(messageId, request)) {
    const r = e.recipientIndex === undefined ? undefined : request.recipients[e.recipientIndex]!;
    insert.run(
      e.type,
      e.at,
      e.messageId,
      e.recipientIndex ?? null,
      r === undefined ? null : JSON.stringify(r.recipient),
      e.provider ?? null,
      e.attempts ?? null,
      e.error === undefined ? null : JSON.stringify(e.error),
      null,
      null,
    );
  }
}

/** Appends a completion's event (if it owes one), copying the recipient's fields from its updated row. */
export function appendCompletionEvent(db: Database, messageSeq: number, messageId: string, index: number, result: ClaimResult, at: number): void {
  const fields = completionEventFields(result);
  if (fields === undefined) return;
  sql(
    db,
    `INSERT INTO events (type, at, message_id, recipient_index, recipient, provider, attempts, error, next_attempt_at)
     SELECT ?, ?, ?, idx, recipient, provider, attempts, ?, ? FROM recipients WHERE message_seq = ? AND idx = ?`,
  ).run(fields.type, at, messageId, fields.error === undefined ? null : JSON.stringify(fields.error), fields.nextAttemptAt ?? null, messageSeq, index);
}

/** Appends one `deleted` event per recipient an abort is about to settle (call before the update). */
export function appendDeletedEvents(db: Database, messageSeq: number, messageId: string, at: number): void {
  sql(
    db,
    `INSERT INTO events (type, at, message_id, recipient_index, recipient, provider, attempts)
     SELECT 'deleted', ?, ?, idx, recipient, provider, attempts FROM recipients
     WHERE message_seq = ? AND state IN ('queued', 'deferred', 'held', 'in-flight') ORDER BY idx`,
  ).run(at, messageId, messageSeq);
}

/**
 * Appends the event an operator's change or a late bounce owes one recipient (`held`, `released`,
 * `deleted`, `bounced`), copying its fields from its row as it is after the change.
 */
export function appendRecipientEvent(db: Database, messageSeq: number, messageId: string, index: number, type: DeliveryEventType, at: number, error?: RecipientError): void {
  sql(
    db,
    `INSERT INTO events (type, at, message_id, recipient_index, recipient, provider, attempts, error)
     SELECT ?, ?, ?, idx, recipient, provider, attempts, ? FROM recipients WHERE message_seq = ? AND idx = ?`,
  ).run(type, at, messageId, error === undefined ? null : JSON.stringify(error), messageSeq, index);
}

/** Appends one `received` event per inbox entry. */
export function appendReceivedEvents(db: Database, entries: ReadonlyArray<{ id: string; mailbox: string }>, at: number, receivedBy: string | undefined): void {
  const insert = sql(db, INSERT);
  for (const entry of entries) insert.run('received', at, entry.id, null, null, receivedBy ?? null, null, null, null, entry.mailbox);
}

/** Events after the cursor, oldest first (ids commit in order: one writer at a time). */
export function readEventRows(db: Database, request: EventReadRequest): DeliveryEvent[] {
  const where = ['id > @after'];
  if (request.messageId !== undefined) where.push('message_id = @messageId');
  if (request.types !== undefined && request.types.length > 0) where.push('type IN (SELECT value FROM json_each(@types))');
  const rows = sql<[Record<string, unknown>], EventRecordRow>(db, `SELECT ${EVENT_COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY id LIMIT @limit`).all({
    after: request.after ?? 0,
    messageId: request.messageId,
    types: JSON.stringify(request.types ?? []),
    limit: eventReadLimit(request.limit),
  });
  return rows.map(decodeEventRow);
}

export function lastEventRowId(db: Database): number {
  // sqlite_sequence keeps the highest id ever given, so a purged newest event still counts.
  const row = sql<[], { seq: number }>(db, "SELECT seq FROM sqlite_sequence WHERE name = 'events'").get();
  return row?.seq ?? 0;
}

/**
 * Deletes at most `limit` events older than `before`, oldest first: of the `limit` oldest ids, those
 * written before `before`. Events are appended in time order, so that is the old ones, found through
 * the primary key in bounded work (a batch that finds a newer one among them comes back short, and
 * the rest waits for the next sweep).
 */
export function purgeEventRows(db: Database, before: number, limit: number): number {
  return sql(db, 'DELETE FROM events WHERE id IN (SELECT id FROM (SELECT id, at FROM events ORDER BY id LIMIT ?) WHERE at < ?)').run(Math.max(0, limit), before).changes;
}
