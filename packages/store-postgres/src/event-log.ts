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
import { queryPrepared, type Database } from './database.js';
import { isStoreFull } from './unavailable.js';

/*
 * Ordering. A reader pages the log by id, so an event must never become visible after one with a
 * higher id: with concurrent transactions, sequence values are taken in one order and committed in
 * another, and a cursor already past a late-committing lower id would skip it for good.
 *
 * So writers do not number events. Each write appends its events to `pending_events`, in its own
 * transaction and under no lock (writers of every daemon commit side by side, sharing WAL flushes).
 * Before reading, a reader publishes: one statement that takes a transaction-scoped advisory lock
 * per schema, then moves every pending event that has committed into `events`, in append order,
 * where each takes its id. Publishers run one at a time and each commits before the next takes ids
 * (locks are released after the commit is visible), so ids become visible in the order they were
 * taken, and a plain `id > cursor` read made after a publish never skips. An event still pending
 * when a reader publishes (its write not yet committed) is moved by a later publish, with a higher id.
 */

function publishLockSql(db: Database): string {
  return `pg_advisory_xact_lock(hashtextextended('xport.store-postgres.events:' || ${quoteLiteral(db.s)}, 0))`;
}

function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

const MOVED_COLUMNS = 'type, at, message_id, recipient_index, recipient, provider, attempts, error, next_attempt_at, mailbox';

/**
 * Moves the committed pending events into `events`, numbering them in append order. The lock is an
 * uncorrelated subquery of the DELETE's condition, so it is taken before the first pending row is
 * locked (never while holding rows another publisher waits for); the statement's snapshot predates
 * it, so rows a publisher moved while this one waited are found already deleted and left alone.
 */
function publishSql(db: Database): string {
  return `
    WITH moved AS (
      DELETE FROM ${db.s}.pending_events p
      WHERE (SELECT count(*) FROM (SELECT ${publishLockSql(db)}) l) = 1
      RETURNING p.seq, p.${MOVED_COLUMNS.split(', ').join(', p.')}
    )
    INSERT INTO ${db.s}.events (${MOVED_COLUMNS})
    SELECT ${MOVED_COLUMNS} FROM moved ORDER BY seq`;
}

/** Publishes the events committed so far (see the ordering note above); returns how many moved. */
export async function publishEvents(db: Database): Promise<number> {
  const { rowCount } = await queryPrepared(db, 'publish_events', publishSql(db), []);
  return rowCount ?? 0;
}

/**
 * Publishes before a read; on a server that takes no writes now (disk full, a standby) the read goes
 * on without it: what is published is always a prefix of the ids to come, so a reader misses nothing
 * for good, it only sees the pending events once a publish succeeds.
 */
async function publishBeforeRead(db: Database): Promise<void> {
  try {
    await publishEvents(db);
  } catch (error) {
    if (!isStoreFull(error)) throw error;
  }
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
 * `deleted`, `bounced`), copying its fields from its row as it is after the change, in the caller's transaction.
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
    `INSERT INTO ${db.s}.pending_events (type, at, message_id, recipient_index, recipient, provider, attempts, error)
     SELECT $1, $2, $3, idx, recipient, provider, attempts, $4::jsonb FROM ${db.s}.recipients WHERE message_seq = $5 AND idx = $6`,
    [type, at, row.messageId, error === undefined ? null : JSON.stringify(error), row.messageSeq, row.index],
  );
}

export async function readEventRows(db: Database, request: EventReadRequest): Promise<DeliveryEvent[]> {
  await publishBeforeRead(db);
  const values: unknown[] = [request.after ?? 0, eventReadLimit(request.limit)];
  const where = ['id > $1'];
  if (request.messageId !== undefined) where.push(`message_id = $${values.push(request.messageId)}`);
  if (request.types !== undefined && request.types.length > 0) where.push(`type = ANY($${values.push(request.types)}::text[])`);
  const { rows } = await db.pool.query<EventRecordRow>(`SELECT ${EVENT_COLUMNS} FROM ${db.s}.events WHERE ${where.join(' AND ')} ORDER BY id LIMIT $2`, values);
  return rows.map(decodeEventRow);
}

export async function lastEventRowId(db: Database): Promise<number> {
  await publishBeforeRead(db);
  const { rows } = await db.pool.query<{ id: string | null }>(`SELECT max(id) AS id FROM ${db.s}.events`);
  return Number(rows[0]?.id ?? 0);
}

/**
 * Deletes at most `limit` events older than `before`, oldest first: of the `limit` oldest ids, those
 * written before `before` (events are appended in time order; see the SQLite store's purge).
 */
export async function purgeEventRows(db: Database, before: number, limit: number): Promise<number> {
  // Published first: the pending ones are older than anything a later write appends.
  await publishEvents(db);
  const { rowCount } = await db.pool.query(
    `DELETE FROM ${db.s}.events WHERE id IN (SELECT id FROM (SELECT id, at FROM ${db.s}.events ORDER BY id LIMIT $2) oldest WHERE at < $1)`,
    [before, Math.max(0, limit)],
  );
  return rowCount ?? 0;
}
