import type pg from 'pg';
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
  type QueueOperation,
  type QueueOperationBatch,
  type QueueOperationCount,
  type QueueOperationCountRequest,
  type QueueOperationRequest,
  type QueuePage,
  type RecipientFilter,
} from '@xport/provider-sdk';
import { inTransaction, type Database } from './database.js';

// The SDK's filter and operation rules as SQL over these columns, bound as $n parameters. A domain
// filter reads `recipients_by_domain` (schema v5).
const COLUMNS = { state: 'r.state', provider: 'r.provider', addressType: 'r.address_type', domain: 'r.domain', submittedAt: 'm.submitted_at', messageId: 'm.id' };

/** Builds one statement's text and parameters: `bind` appends a value and returns its `$n`. */
class Statement {
  readonly params: unknown[] = [];
  bind = (value: unknown): string => {
    this.params.push(value);
    return `$${this.params.length}`;
  };

  /** The open recipients the filter selects (joined to their message as `m`). */
  selected(db: Database, filter: RecipientFilter): string {
    return `FROM ${db.s}.recipients r JOIN ${db.s}.messages m ON m.seq = r.message_seq
      WHERE m.finished_at IS NULL AND NOT m.quarantined AND ${recipientFilterCondition(filter, COLUMNS, this.bind)}`;
  }

  applies(operation: QueueOperation, now: number): string {
    const condition = queueOperationCondition(operation, { state: 'r.state', nextAttemptAt: 'r.next_attempt_at' }, '$NOW');
    return condition.includes('$NOW') ? condition.replaceAll('$NOW', this.bind(now)) : condition;
  }
}

interface EntryRow {
  seq: string;
  id: string;
  envelope: unknown;
  submitted_at: string;
  expires_at: string;
  idx: number;
  recipient: unknown;
  role: string;
  provider: string | null;
  state: string;
  attempts: number;
  next_attempt_at: string | null;
  last_error: unknown;
  updated_at: string;
  expires_while_held: boolean;
}

const toTime = (value: string | number | null): number | null => (value === null ? null : Number(value));

function toQueueEntry(row: EntryRow): QueueEntry {
  const entry: { -readonly [K in keyof QueueEntry]: QueueEntry[K] } = {
    messageId: row.id,
    submittedAt: Number(row.submitted_at),
    expiresAt: Number(row.expires_at),
    index: row.idx,
    recipient: decodeRecipientRecord(row.recipient),
    role: decodeRecipientRoleRecord(row.role),
    provider: row.provider,
    state: decodeRecipientStateRecord(row.state),
    attempts: row.attempts,
    nextAttemptAt: toTime(row.next_attempt_at),
    updatedAt: Number(row.updated_at),
  };
  if (row.last_error !== null) entry.lastError = decodeRecipientErrorRecord(row.last_error);
  if (entry.state === 'held' && row.expires_while_held) entry.expiresWhileHeld = true;
  const envelope = decodeEnvelopeRecord(row.envelope);
  if (envelope.subject !== undefined) entry.subject = envelope.subject;
  if (envelope.from !== undefined) entry.from = envelope.from;
  return entry;
}

/** A page of the queue by filter, in submit order then index (keyset paging on `(seq, idx)`). */
export async function listQueueRecipients(db: Database, request: QueueListRequest, filter: RecipientFilter): Promise<QueuePage> {
  const q = new Statement();
  let text = `SELECT m.seq::text AS seq, m.id, m.envelope, m.submitted_at, m.expires_at, r.idx, r.recipient, r.role, r.provider, r.state, r.attempts, r.next_attempt_at, r.last_error, r.updated_at, r.expires_while_held
    ${q.selected(db, filter)}`;
  if (request.cursor !== undefined) {
    const position = fromQueueCursor(request.cursor);
    text += ` AND (r.message_seq, r.idx) > (${q.bind(position.seq)}::bigint, ${q.bind(position.index)}::int)`;
  }
  text += ` ORDER BY r.message_seq, r.idx LIMIT ${q.bind(request.limit + 1)}`;
  const { rows } = await db.pool.query<EntryRow>(text, q.params);
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
  return { entries, nextCursor: rows.length > request.limit && last ? toQueueCursor({ seq: Number(last.seq), index: last.idx }) : null };
}

async function countInFlight(client: pg.Pool | pg.PoolClient, db: Database, filter: RecipientFilter): Promise<number> {
  const q = new Statement();
  const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n ${q.selected(db, filter)} AND r.state = 'in-flight'`, q.params);
  return rows[0]?.n ?? 0;
}

/** What an operation would change now, and how many selected recipients are in flight (a dry run). */
export async function countQueueOperation(db: Database, request: QueueOperationCountRequest, filter: RecipientFilter): Promise<QueueOperationCount> {
  const q = new Statement();
  const text = `SELECT count(*)::int AS n ${q.selected(db, filter)} AND ${q.applies(request.operation, request.now)}`;
  const { rows } = await db.pool.query<{ n: number }>(text, q.params);
  return { changes: rows[0]?.n ?? 0, inFlight: skipsInFlight(request.operation) ? await countInFlight(db.pool, db, filter) : 0 };
}

interface TargetRow {
  seq: string;
  id: string;
  idx: number;
  recipient: unknown;
  provider: string | null;
  state: string;
  attempts: number;
  finished: boolean | null;
}

/**
 * One batch of an operation in one transaction: locks at most `limit` recipients it applies to
 * (skipping rows a claimer holds locked: they are being put in flight), writes what the SDK makes of
 * each, counts off final ones (finishing their messages), and returns the rows it changed. The
 * place an event per change is written.
 */
export async function applyQueueOperation(db: Database, request: QueueOperationRequest, filter: RecipientFilter): Promise<QueueOperationBatch> {
  const { operation, now } = request;
  const result = queueOperationResult(operation, now, { expire: request.expire === true });
  return inTransaction(db, async (client) => {
    const q = new Statement();
    const select = `SELECT r.message_seq, r.idx, r.state ${q.selected(db, filter)} AND ${q.applies(operation, now)}
      ORDER BY r.message_seq, r.idx LIMIT ${q.bind(request.limit)} FOR UPDATE OF r SKIP LOCKED`;
    const values = [result.state, result.nextAttemptAt, result.lastError === undefined ? null : JSON.stringify(result.lastError), now, result.event ?? null, result.expiresWhileHeld];
    const offset = values.length;
    // Positional parameters of the selection come after the six of the update and its events.
    const shifted = select.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
    const { rows } = await client.query<TargetRow>(
      `WITH target AS (${shifted}),
       changed AS (
         UPDATE ${db.s}.recipients r SET state = $1, next_attempt_at = $2, due_at = $2, last_error = COALESCE($3::jsonb, r.last_error), updated_at = $4,
           expires_while_held = $6::boolean
         FROM target t WHERE r.message_seq = t.message_seq AND r.idx = t.idx
         RETURNING r.message_seq, r.idx, r.recipient, r.provider, r.attempts, t.state
       ),
       counted AS (
         SELECT message_seq, count(*)::int AS n FROM changed GROUP BY message_seq
       ),
       appended AS (
         INSERT INTO ${db.s}.pending_events (type, at, message_id, recipient_index, recipient, provider, attempts)
         SELECT $5::text, $4, m.id, c.idx, c.recipient, c.provider, c.attempts
         FROM changed c JOIN ${db.s}.messages m ON m.seq = c.message_seq WHERE $5::text IS NOT NULL
         ORDER BY c.message_seq, c.idx
       ),
       finished AS (
         UPDATE ${db.s}.messages m SET open_recipients = m.open_recipients - c.n,
           finished_at = CASE WHEN m.open_recipients - c.n = 0 THEN $4 ELSE m.finished_at END
         FROM counted c WHERE ${result.final ? 'TRUE' : 'FALSE'} AND m.seq = c.message_seq
         RETURNING m.seq, m.open_recipients = 0 AS finished
       )
       SELECT c.message_seq::text AS seq, m.id, c.idx, c.recipient, c.provider, c.state, c.attempts, f.finished
       FROM changed c JOIN ${db.s}.messages m ON m.seq = c.message_seq LEFT JOIN finished f ON f.seq = c.message_seq
       ORDER BY c.message_seq, c.idx`,
      [...values, ...q.params],
    );
    const affected: AffectedRecipient[] = rows.map((row) => ({
      messageId: row.id,
      index: row.idx,
      recipient: decodeRecipientRecord(row.recipient),
      provider: row.provider,
      from: decodeRecipientStateRecord(row.state),
      to: result.state,
      attempts: row.attempts,
    }));
    const finishedMessages = [...new Set(rows.filter((row) => row.finished === true).map((row) => row.id))];
    if (rows.length > 0 && result.nextAttemptAt !== null) await client.query('SELECT pg_notify($1, $2)', [db.channel, '']);
    return { changed: affected.length, skippedInFlight: skipsInFlight(operation) ? await countInFlight(client, db, filter) : 0, affected, finishedMessages };
  });
}
