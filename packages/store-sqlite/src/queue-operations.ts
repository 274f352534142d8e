import type { Database } from 'better-sqlite3';
import {
  decodeEnvelopeRecord,
  decodeRecipientErrorRecord,
  decodeRecipientRecord,
  decodeRecipientRoleRecord,
  decodeRecipientStateRecord,
  fromQueueCursor,
  isUndecodableRecord,
  queueOperationCondition,
  queueOperationResult,
  recipientFilterCondition,
  skipsInFlight,
  toQueueCursor,
  type AffectedRecipient,
  type QueueEntry,
  type QueueListRequest,
  type QueueOperationBatch,
  type QueueOperationCount,
  type QueueOperationCountRequest,
  type QueueOperationRequest,
  type QueuePage,
  type RecipientFilter,
} from '@xport/provider-sdk';
import { sql } from './statements.js';
import { appendRecipientEvent } from './event-log.js';

// The SDK's filter and operation rules as SQL over these columns: written once in the SDK, bound
// here with positional parameters. A domain filter reads `recipients_by_domain` (schema v6).
const COLUMNS = { state: 'r.state', provider: 'r.provider', addressType: 'r.address_type', domain: 'r.domain', submittedAt: 'm.submitted_at', messageId: 'm.id' };
const OPEN = 'm.finished_at IS NULL AND m.quarantined = 0';
const FROM = 'FROM recipients r JOIN messages m ON m.seq = r.message_seq';

interface Condition {
  readonly text: string;
  readonly params: Array<string | number>;
}

function filterCondition(filter: RecipientFilter): Condition {
  const params: Array<string | number> = [];
  const text = recipientFilterCondition(filter, COLUMNS, (value) => {
    params.push(value);
    return '?';
  });
  return { text: `${OPEN} AND ${text}`, params };
}

interface EntryRow {
  seq: number;
  id: string;
  envelope: unknown;
  submitted_at: number;
  expires_at: number;
  idx: number;
  recipient: string;
  role: string;
  provider: string | null;
  state: string;
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  updated_at: number;
  expires_while_held: number;
}

function toQueueEntry(row: EntryRow): QueueEntry {
  const entry: { -readonly [K in keyof QueueEntry]: QueueEntry[K] } = {
    messageId: row.id,
    submittedAt: row.submitted_at,
    expiresAt: row.expires_at,
    index: row.idx,
    recipient: decodeRecipientRecord(row.recipient),
    role: decodeRecipientRoleRecord(row.role),
    provider: row.provider,
    state: decodeRecipientStateRecord(row.state),
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    updatedAt: row.updated_at,
  };
  if (row.last_error !== null) entry.lastError = decodeRecipientErrorRecord(row.last_error);
  if (entry.state === 'held' && row.expires_while_held === 1) entry.expiresWhileHeld = true;
  const envelope = decodeEnvelopeRecord(row.envelope);
  if (envelope.subject !== undefined) entry.subject = envelope.subject;
  if (envelope.from !== undefined) entry.from = envelope.from;
  return entry;
}

/** A page of the queue by filter, in submit order then index (keyset paging on `(seq, idx)`). */
export function listQueueRecipients(db: Database, request: QueueListRequest, filter: RecipientFilter): QueuePage {
  const where = filterCondition(filter);
  const params = [...where.params];
  let after = '';
  if (request.cursor !== undefined) {
    const position = fromQueueCursor(request.cursor);
    after = ' AND (r.message_seq > ? OR (r.message_seq = ? AND r.idx > ?))';
    params.push(position.seq, position.seq, position.index);
  }
  params.push(request.limit + 1);
  const rows = sql<Array<string | number>, EntryRow>(
    db,
    `SELECT m.seq, m.id, m.envelope, m.submitted_at, m.expires_at, r.idx, r.recipient, r.role, r.provider, r.state, r.attempts, r.next_attempt_at, r.last_error, r.updated_at, r.expires_while_held
     ${FROM} WHERE ${where.text}${after} ORDER BY r.message_seq, r.idx LIMIT ?`,
  ).all(...params);
  const shown = rows.slice(0, request.limit);
  const entries: QueueEntry[] = [];
  for (const row of shown) {
    try {
      entries.push(toQueueEntry(row));
    } catch (error) {
      // A record that does not decode is the readers' to quarantine; a listing passes it by.
      if (!isUndecodableRecord(error)) throw error;
    }
  }
  const last = shown.at(-1);
  return { entries, nextCursor: rows.length > request.limit && last ? toQueueCursor({ seq: last.seq, index: last.idx }) : null };
}

/** The SDK's operation condition, with `now` bound only where the condition reads it. */
function operationCondition(operation: QueueOperationCountRequest['operation'], now: number): Condition {
  const text = queueOperationCondition(operation, { state: 'r.state', nextAttemptAt: 'r.next_attempt_at' }, '?');
  return { text, params: text.includes('?') ? [now] : [] };
}

function countInFlight(db: Database, where: Condition): number {
  return sql<Array<string | number>, { n: number }>(db, `SELECT count(*) AS n ${FROM} WHERE ${where.text} AND r.state = 'in-flight'`).get(...where.params)?.n ?? 0;
}

/** What an operation would change now, and how many selected recipients are in flight (a dry run). */
export function countQueueOperation(db: Database, request: QueueOperationCountRequest, filter: RecipientFilter): QueueOperationCount {
  const where = filterCondition(filter);
  const applies = operationCondition(request.operation, request.now);
  const changes = sql<Array<string | number>, { n: number }>(db, `SELECT count(*) AS n ${FROM} WHERE ${where.text} AND ${applies.text}`).get(...where.params, ...applies.params)?.n ?? 0;
  return { changes, inFlight: skipsInFlight(request.operation) ? countInFlight(db, where) : 0 };
}

interface TargetRow {
  seq: number;
  id: string;
  idx: number;
  recipient: string;
  provider: string | null;
  state: string;
  attempts: number;
}

/**
 * One batch of an operation in the caller's (immediate) transaction: selects at most `limit`
 * recipients it applies to, writes what the SDK makes of each, counts off final ones (finishing
 * their messages), and returns the rows it changed. The place an event per change is written.
 */
export function applyQueueOperation(db: Database, request: QueueOperationRequest, filter: RecipientFilter): QueueOperationBatch {
  const { operation, now } = request;
  const where = filterCondition(filter);
  const applies = operationCondition(operation, now);
  const rows = sql<Array<string | number>, TargetRow>(
    db,
    `SELECT m.seq, m.id, r.idx, r.recipient, r.provider, r.state, r.attempts ${FROM} WHERE ${where.text} AND ${applies.text} ORDER BY r.message_seq, r.idx LIMIT ?`,
  ).all(...where.params, ...applies.params, request.limit);
  const result = queueOperationResult(operation, now, { expire: request.expire === true });
  const update = sql(
    db,
    `UPDATE recipients SET state = ?, next_attempt_at = ?, due_at = ?, last_error = COALESCE(?, last_error), updated_at = ?, expires_while_held = ?
     WHERE message_seq = ? AND idx = ?`,
  );
  const countOff = sql<[number, number], { open_recipients: number }>(
    db,
    'UPDATE messages SET open_recipients = open_recipients - 1, finished_at = CASE WHEN open_recipients = 1 THEN ? ELSE finished_at END WHERE seq = ? RETURNING open_recipients',
  );
  const error = result.lastError === undefined ? null : JSON.stringify(result.lastError);
  const affected: AffectedRecipient[] = [];
  const finishedMessages: string[] = [];
  for (const row of rows) {
    update.run(result.state, result.nextAttemptAt, result.nextAttemptAt, error, now, result.expiresWhileHeld ? 1 : 0, row.seq, row.idx);
    if (result.event !== undefined) appendRecipientEvent(db, row.seq, row.id, row.idx, result.event, now);
    if (result.final && countOff.get(now, row.seq)?.open_recipients === 0) finishedMessages.push(row.id);
    affected.push({
      messageId: row.id,
      index: row.idx,
      recipient: decodeRecipientRecord(row.recipient),
      provider: row.provider,
      from: decodeRecipientStateRecord(row.state),
      to: result.state,
      attempts: row.attempts,
    });
  }
  return { changed: affected.length, skippedInFlight: skipsInFlight(operation) ? countInFlight(db, where) : 0, affected, finishedMessages };
}
