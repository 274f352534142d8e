import { isFinalRecipientState, type ListOptions, type ProviderQueueCounts, type QuarantinedRecord, type QueueCounts, type RecipientState } from '@xport/provider-sdk';
import { queryPrepared, type Database } from './database.js';
import type { InboxRow, MessageRow, RecipientRow } from './records.js';

const MESSAGE_COLUMNS = 'seq, id, idempotency_key, envelope, parts, size, submitted_at, expires_at, finished_at';
const INBOX_COLUMNS = 'id, mailbox, envelope, parts, size, received_at, received_by, read';

function page(options: ListOptions = {}): [number | null, number] {
  return [options.limit ?? null, options.offset ?? 0];
}

/** One message with its recipients (as a JSON array, in index order): one round trip for the spooler's read before each send. */
export async function readMessage(db: Database, messageId: string): Promise<(MessageRow & { recipients: RecipientRow[] }) | undefined> {
  const { rows } = await queryPrepared<MessageRow & { recipients: RecipientRow[] }>(
    db,
    'read_message',
    `SELECT ${MESSAGE_COLUMNS}, (
       SELECT COALESCE(json_agg(r ORDER BY r.idx), '[]'::json) FROM (
         SELECT message_seq, idx, recipient, role, provider, state, attempts, next_attempt_at, last_error, updated_at, expires_while_held
         FROM ${db.s}.recipients WHERE message_seq = m.seq
       ) r
     ) AS recipients
     FROM ${db.s}.messages m WHERE id = $1 AND NOT quarantined`,
    [messageId],
  );
  return rows[0];
}

/** Unfinished messages, in submit order. */
export async function readQueuePage(db: Database, options?: ListOptions): Promise<MessageRow[]> {
  const { rows } = await db.pool.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM ${db.s}.messages WHERE finished_at IS NULL AND NOT quarantined ORDER BY seq LIMIT $1 OFFSET $2`,
    page(options),
  );
  return rows;
}

/** Finished messages, most recently finished first. */
export async function readSentPage(db: Database, options?: ListOptions): Promise<MessageRow[]> {
  const { rows } = await db.pool.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM ${db.s}.messages WHERE finished_at IS NOT NULL AND NOT quarantined
     ORDER BY finished_at DESC, seq DESC LIMIT $1 OFFSET $2`,
    page(options),
  );
  return rows;
}

/** Recipients of several messages in one query, grouped by message. */
export async function readRecipients(db: Database, seqs: readonly number[]): Promise<Map<number, RecipientRow[]>> {
  const bySeq = new Map<number, RecipientRow[]>();
  if (seqs.length === 0) return bySeq;
  const { rows } = await db.pool.query<RecipientRow>(
    `SELECT message_seq, idx, recipient, role, provider, state, attempts, next_attempt_at, last_error, updated_at, expires_while_held
     FROM ${db.s}.recipients WHERE message_seq = ANY($1::bigint[]) ORDER BY message_seq, idx`,
    [seqs],
  );
  for (const row of rows) {
    const list = bySeq.get(row.message_seq) ?? [];
    list.push(row);
    bySeq.set(row.message_seq, list);
  }
  return bySeq;
}

export async function readInboxEntry(db: Database, id: string): Promise<InboxRow | undefined> {
  const { rows } = await db.pool.query<InboxRow>(`SELECT ${INBOX_COLUMNS} FROM ${db.s}.inbox WHERE id = $1 AND NOT quarantined`, [id]);
  return rows[0];
}

/** A mailbox's entries, newest first. */
export async function readInboxPage(db: Database, mailbox: string, options: ListOptions & { readonly unreadOnly?: boolean } = {}): Promise<InboxRow[]> {
  const { rows } = await db.pool.query<InboxRow>(
    `SELECT ${INBOX_COLUMNS} FROM ${db.s}.inbox WHERE mailbox = $1 AND NOT quarantined ${options.unreadOnly ? 'AND NOT read' : ''}
     ORDER BY received_at DESC, seq DESC LIMIT $2 OFFSET $3`,
    [mailbox, ...page(options)],
  );
  return rows;
}

/**
 * Recipients by state and provider, quarantined messages left out: the whole table counted from the
 * covering index `recipients_by_state` (an index-only scan), then the recipients of quarantined
 * messages — rare, found through `messages_quarantined` — taken off, in one statement.
 */
export async function countRecipients(db: Database): Promise<QueueCounts> {
  const { rows } = await queryPrepared<{ state: RecipientState; provider: string; n: number }>(
    db,
    'count_recipients',
    `SELECT state, provider, sum(n)::int AS n FROM (
       SELECT r.state, COALESCE(r.provider, '') AS provider, count(*) AS n FROM ${db.s}.recipients r GROUP BY 1, 2
       UNION ALL
       SELECT r.state, COALESCE(r.provider, '') AS provider, -count(*) AS n
       FROM ${db.s}.messages m JOIN ${db.s}.recipients r ON r.message_seq = m.seq WHERE m.quarantined GROUP BY 1, 2
     ) c GROUP BY 1, 2 HAVING sum(n) <> 0`,
    [],
  );
  const byState: Record<RecipientState, number> = { queued: 0, 'in-flight': 0, deferred: 0, held: 0, delivered: 0, failed: 0, expired: 0, aborted: 0 };
  const byProvider: Record<string, { -readonly [K in keyof ProviderQueueCounts]: number }> = {};
  for (const { state, provider, n } of rows) {
    byState[state] += n;
    if (isFinalRecipientState(state)) continue;
    const slot = (byProvider[provider] ??= { queued: 0, inFlight: 0, deferred: 0, held: 0 });
    if (state === 'queued') slot.queued += n;
    else if (state === 'in-flight') slot.inFlight += n;
    else if (state === 'held') slot.held += n;
    else slot.deferred += n;
  }
  return { byState, byProvider };
}

/** Earliest time a claimable recipient becomes due (its next attempt, or its lease's expiry). */
export async function earliestDue(db: Database): Promise<number | null> {
  const { rows } = await queryPrepared<{ at: number | null }>(
    db,
    'earliest_due',
    `SELECT min(due_at) AS at FROM ${db.s}.recipients WHERE due_at IS NOT NULL AND provider IS NOT NULL`,
    [],
  );
  return rows[0]?.at ?? null;
}

export async function readQuarantine(db: Database): Promise<QuarantinedRecord[]> {
  const { rows } = await db.pool.query<QuarantinedRecord>(`SELECT id, reason, at FROM ${db.s}.quarantine ORDER BY at, id`);
  return rows;
}

/** Sets an undecodable record aside: listed by `quarantined()`, never claimed, left out of lists and counts. */
export async function quarantineRecord(db: Database, kind: 'message' | 'inbox', id: string, reason: string, at: number): Promise<void> {
  await db.pool.query(
    `WITH q AS (
       INSERT INTO ${db.s}.quarantine (id, kind, reason, at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET reason = EXCLUDED.reason, at = EXCLUDED.at
     ), m AS (
       UPDATE ${db.s}.messages SET quarantined = TRUE WHERE id = $1 AND $2 = 'message' RETURNING seq
     ), r AS (
       UPDATE ${db.s}.recipients SET due_at = NULL WHERE message_seq IN (SELECT seq FROM m)
     )
     UPDATE ${db.s}.inbox SET quarantined = TRUE WHERE id = $1 AND $2 = 'inbox'`,
    [id, kind, reason, at],
  );
}
