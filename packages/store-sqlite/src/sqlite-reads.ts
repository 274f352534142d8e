import type { Database } from 'better-sqlite3';
import { isFinalRecipientState, type ListOptions, type ProviderQueueCounts, type QueueCounts, type RecipientState } from '@xport/provider-sdk';
import type { InboxRow, MessageRow, RecipientRow } from './records.js';
import { sql } from './statements.js';

const MESSAGE_COLUMNS = 'seq, id, idempotency_key, envelope, parts, size, submitted_at, expires_at, finished_at';
const NO_LIMIT = -1;

export function readMessage(db: Database, messageId: string): MessageRow | undefined {
  return sql<[string], MessageRow>(db, `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ? AND quarantined = 0`).get(messageId);
}

export function readRecipients(db: Database, seq: number): RecipientRow[] {
  return sql<[number], RecipientRow>(
    db,
    'SELECT idx, recipient, role, provider, state, attempts, next_attempt_at, last_error, updated_at, expires_while_held FROM recipients WHERE message_seq = ? ORDER BY idx',
  ).all(seq);
}

export function readQueuePage(db: Database, options: ListOptions = {}): MessageRow[] {
  return sql<[number, number], MessageRow>(
    db,
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE finished_at IS NULL AND quarantined = 0 ORDER BY seq LIMIT ? OFFSET ?`,
  ).all(options.limit ?? NO_LIMIT, options.offset ?? 0);
}

export function readSentPage(db: Database, options: ListOptions = {}): MessageRow[] {
  return sql<[number, number], MessageRow>(
    db,
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE finished_at IS NOT NULL AND quarantined = 0 ORDER BY finished_at DESC, seq DESC LIMIT ? OFFSET ?`,
  ).all(options.limit ?? NO_LIMIT, options.offset ?? 0);
}

const INBOX_COLUMNS = 'id, mailbox, envelope, parts, size, received_at, received_by, read';

export function readInboxPage(db: Database, mailbox: string, options: ListOptions & { readonly unreadOnly?: boolean } = {}): InboxRow[] {
  const unread = options.unreadOnly ? ' AND read = 0' : '';
  return sql<[string, number, number], InboxRow>(
    db,
    `SELECT ${INBOX_COLUMNS} FROM inbox WHERE mailbox = ? AND quarantined = 0${unread} ORDER BY received_at DESC, seq DESC LIMIT ? OFFSET ?`,
  ).all(mailbox, options.limit ?? NO_LIMIT, options.offset ?? 0);
}

export function readInboxEntry(db: Database, id: string): InboxRow | undefined {
  return sql<[string], InboxRow>(db, `SELECT ${INBOX_COLUMNS} FROM inbox WHERE id = ? AND quarantined = 0`).get(id);
}

/**
 * Recipients by state and provider, quarantined messages left out: the counts the triggers keep in
 * \`recipient_counts\` (a row per state and provider, whatever the queue's depth), less the recipients
 * of quarantined messages — rare, found through \`messages_quarantined\`.
 */
export function countRecipients(db: Database): QueueCounts {
  const byState: Record<RecipientState, number> = { queued: 0, 'in-flight': 0, deferred: 0, held: 0, delivered: 0, failed: 0, expired: 0, aborted: 0 };
  const byProvider: Record<string, { -readonly [K in keyof ProviderQueueCounts]: number }> = {};
  const rows = sql<[], { state: RecipientState; provider: string; n: number }>(
    db,
    `SELECT state, provider, sum(n) AS n FROM (
       SELECT state, provider, n FROM recipient_counts
       UNION ALL
       SELECT r.state, coalesce(r.provider, '') AS provider, -count(*) AS n FROM messages m INDEXED BY messages_quarantined JOIN recipients r ON r.message_seq = m.seq
       WHERE m.quarantined = 1 GROUP BY r.state, coalesce(r.provider, '')
     ) GROUP BY state, provider HAVING sum(n) <> 0`,
  ).all();
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

export function earliestDue(db: Database): number | null {
  // The first entry of the due index with a provider (min() with a filter is not read as the first entry).
  return (
    sql<[], { at: number }>(db, 'SELECT due_at AS at FROM recipients WHERE due_at IS NOT NULL AND provider IS NOT NULL ORDER BY due_at LIMIT 1').get()?.at ?? null
  );
}
