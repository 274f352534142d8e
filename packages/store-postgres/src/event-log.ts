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
import type { Database } from './database.js';

/*
 * Ordering. A reader pages the log by id, so an event must never become visible after one with a
 * higher id: with concurrent transactions, sequence values are taken in one order and committed in
 * another, and a cursor already past a late-committing lower id would skip it for good. So appends
 * are serialised: every statement (or transaction) that appends events first takes one
 * transaction-scoped advisory lock per schema, before any row lock (so appenders cannot deadlock on
 * each other), and holds it to its commit. Ids are then taken and made visible in the same order,
 * and a plain `id > cursor` read never skips. The price: event-writing statements of all daemons on
 * one schema commit one at a time (each already carries a whole group-commit batch).
 */

/** The advisory lock that serialises appends to one schema's event log (its key derived from the schema name). */
export function eventAppendLockSql(db: Database): string {
  return `pg_advisory_xact_lock(hashtextextended('xport.store-postgres.events:' || ${quoteLiteral(db.s)}, 0))`;
}

function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** The `events` of a submit's input row: `submitEvents`, with the recipient as its stored record. */
export function submitEventRows(messageId: string, request: SubmitRequest): Array<Record<string, unknown>> {
  return submitEvents(messageId, request).map((e, n) => ({
    n,
    type: e.type,
    at: e.at,
    recipient_index: e.recipientIndex ?? null,
    recipient: e.recipientIndex === undefined ? null : request.recipients[e.recipientIndex]!.recipient,
    provider: e.provider ?? null,
    attempts: e.attempts ?? null,
    error: e.error ?? null,
  }));
}

/** The event fields of a completion's input row (`event_type` null: the result owes none). */
export function completionEventColumns(result: ClaimResult): Record<string, unknown> {
  const fields = completionEventFields(result);
  return { event_type: fields?.type ?? null, event_error: fields?.error ?? null, event_next_at: fields?.nextAttemptAt ?? null };
}

/**
 * Appends the event an operator's change or a late bounce owes one recipient (`held`, `released`,
 * `deleted`, `bounced`), copying its fields from its row as it is after the change. The caller's
 * transaction must hold the append lock ({@link eventAppendLockSql}), taken before any row lock.
 */
export async function appendRecipientEvent(
  client: { query: (text: string, values: unknown[]) => Promise<unknown> },
  db: Database,
  row: { readonly messageSeq: string; readonly messageId: string; readonly index: number },
  type: DeliveryEventType,
  at: number,
  error?: RecipientError,
): Promise<void> {
  await client.query(
    `INSERT INTO ${db.s}.events (type, at, message_id, recipient_index, recipient, provider, attempts, error)
     SELECT $1, $2, $3, idx, recipient, provider, attempts, $4::jsonb FROM ${db.s}.recipients WHERE message_seq = $5 AND idx = $6`,
    [type, at, row.messageId, error === undefined ? null : JSON.stringify(error), row.messageSeq, row.index],
  );
}

export async function readEventRows(db: Database, request: EventReadRequest): Promise<DeliveryEvent[]> {
  const values: unknown[] = [request.after ?? 0, eventReadLimit(request.limit)];
  const where = ['id > $1'];
  if (request.messageId !== undefined) where.push(`message_id = $${values.push(request.messageId)}`);
  if (request.types !== undefined && request.types.length > 0) where.push(`type = ANY($${values.push(request.types)}::text[])`);
  const { rows } = await db.pool.query<EventRecordRow>(`SELECT ${EVENT_COLUMNS} FROM ${db.s}.events WHERE ${where.join(' AND ')} ORDER BY id LIMIT $2`, values);
  return rows.map(decodeEventRow);
}

export async function lastEventRowId(db: Database): Promise<number> {
  const { rows } = await db.pool.query<{ id: string | null }>(`SELECT max(id) AS id FROM ${db.s}.events`);
  return Number(rows[0]?.id ?? 0);
}

/**
 * Deletes at most `limit` events older than `before`, oldest first: of the `limit` oldest ids, those
 * written before `before` (events are appended in time order; see the SQLite store's purge).
 */
export async function purgeEventRows(db: Database, before: number, limit: number): Promise<number> {
  const { rowCount } = await db.pool.query(
    `DELETE FROM ${db.s}.events WHERE id IN (SELECT id FROM (SELECT id, at FROM ${db.s}.events ORDER BY id LIMIT $2) oldest WHERE at < $1)`,
    [before, Math.max(0, limit)],
  );
  return rowCount ?? 0;
}
