import type { Database } from 'better-sqlite3';
import { XportError, type Completion, type CompletionReceipt } from '@xport/provider-sdk';
import { sql } from './statements.js';

interface LeasedRow {
  seq: number;
  state: string;
  lease_id: string | null;
  next_attempt_at: number | null;
}

const UPDATE_RECIPIENT = `UPDATE recipients SET state = ?, provider = ?, attempts = attempts + ?, next_attempt_at = ?, due_at = ?,
  last_error = COALESCE(?, last_error), updated_at = ?, lease_id = NULL, lease_owner = NULL, lease_expires_at = NULL
  WHERE message_seq = ? AND idx = ?`;

/** Applies a claim result in the caller's transaction, after checking the lease is still the current one. */
export function applyCompletion(db: Database, path: string, completion: Completion): CompletionReceipt {
  const { messageId, recipientIndex, leaseId, result } = completion;
  const row = sql<[number, string], LeasedRow & { provider: string | null }>(
    db,
    `SELECT m.seq, r.state, r.lease_id, r.next_attempt_at, r.provider
     FROM messages m JOIN recipients r ON r.message_seq = m.seq AND r.idx = ? WHERE m.id = ?`,
  ).get(recipientIndex, messageId);
  if (!row) {
    throw new XportError('XPORT_STORE_NOT_FOUND', `sqlite store ${path}: message ${messageId} recipient #${recipientIndex} does not exist`, {
      details: { path, messageId, recipientIndex },
    });
  }
  if (row.state !== 'in-flight' || row.lease_id !== leaseId) {
    throw new XportError(
      'XPORT_STORE_STALE_LEASE',
      `sqlite store ${path}: message ${messageId} recipient #${recipientIndex}: lease ${leaseId} is no longer current (found ${row.lease_id ?? 'no lease'}, state ${row.state})`,
      { details: { path, messageId, recipientIndex, expected: leaseId, found: row.lease_id } },
    );
  }
  const now = completion.now ?? Date.now();
  const update = sql(db, UPDATE_RECIPIENT);
  const error = 'error' in result && result.error !== undefined ? JSON.stringify(result.error) : null;
  switch (result.state) {
    case 'delivered':
    case 'failed':
    case 'expired':
      update.run(result.state, row.provider, result.state === 'expired' ? 0 : 1, null, null, error, now, row.seq, recipientIndex);
      break;
    case 'deferred':
      update.run('deferred', row.provider, result.countAttempt ? 1 : 0, result.nextAttemptAt, result.nextAttemptAt, error, now, row.seq, recipientIndex);
      return { messageFinished: false };
    case 'queued': {
      // A hand-over keeps its place in line unless a time is given.
      const due = result.nextAttemptAt ?? row.next_attempt_at ?? now;
      update.run('queued', result.provider, 0, due, due, null, now, row.seq, recipientIndex);
      return { messageFinished: false };
    }
  }
  // One statement counts the recipient off and, for the last one, finishes the message.
  const left = sql<[number, number], { open_recipients: number }>(
    db,
    'UPDATE messages SET open_recipients = open_recipients - 1, finished_at = CASE WHEN open_recipients = 1 THEN ? ELSE finished_at END WHERE seq = ? RETURNING open_recipients',
  ).get(now, row.seq);
  return { messageFinished: left?.open_recipients === 0 };
}

/** Makes waiting recipients of these providers due at `now`; returns how many moved. */
export function makeRecipientsDue(db: Database, providers: readonly string[], now: number): number {
  return sql(
    db,
    `UPDATE recipients SET next_attempt_at = @now, due_at = @now, updated_at = @now
     WHERE state IN ('queued', 'deferred') AND due_at IS NOT NULL AND due_at > @now AND provider IN (SELECT value FROM json_each(@providers))`,
  ).run({ now, providers: JSON.stringify(providers) }).changes;
}

/** Aborts a queued message in the caller's transaction (MAPI's AbortSubmit). */
export function abortMessage(db: Database, path: string, messageId: string, now: number): void {
  const message = sql<[string], { seq: number; finished_at: number | null }>(db, 'SELECT seq, finished_at FROM messages WHERE id = ? AND quarantined = 0').get(messageId);
  if (!message || message.finished_at !== null) {
    const why = message ? `it already finished at ${message.finished_at}` : 'it does not exist';
    throw new XportError('XPORT_STORE_NOT_FOUND', `sqlite store ${path}: cannot abort message ${messageId}: ${why}`, { details: { path, messageId } });
  }
  const busy = sql<[number, number], { idx: number; lease_owner: string; lease_expires_at: number }>(
    db,
    "SELECT idx, lease_owner, lease_expires_at FROM recipients WHERE message_seq = ? AND state = 'in-flight' AND lease_expires_at > ? LIMIT 1",
  ).get(message.seq, now);
  if (busy) {
    throw new XportError(
      'XPORT_STORE_IN_FLIGHT',
      `sqlite store ${path}: cannot abort message ${messageId}: recipient #${busy.idx} is being sent (lease held by ${busy.lease_owner} until ${busy.lease_expires_at})`,
      { details: { path, messageId, recipientIndex: busy.idx } },
    );
  }
  sql(
    db,
    `UPDATE recipients SET state = 'aborted', next_attempt_at = NULL, due_at = NULL, updated_at = ?,
     lease_id = NULL, lease_owner = NULL, lease_expires_at = NULL
     WHERE message_seq = ? AND state IN ('queued', 'deferred', 'in-flight')`,
  ).run(now, message.seq);
  sql(db, 'UPDATE messages SET open_recipients = 0, finished_at = ? WHERE seq = ?').run(now, message.seq);
}

/** Deletes sent messages finished before `before`, with their recipients and content. */
export function purgeFinished(db: Database, before: number): number {
  const finished = sql<[number], { seq: number; id: string }>(db, 'SELECT seq, id FROM messages WHERE finished_at IS NOT NULL AND finished_at < ?').all(before);
  for (const { seq, id } of finished) {
    sql(db, 'DELETE FROM part_chunks WHERE part_id IN (SELECT id FROM parts WHERE owner = ?)').run(id);
    sql(db, 'DELETE FROM parts WHERE owner = ?').run(id);
    sql(db, 'DELETE FROM recipients WHERE message_seq = ?').run(seq);
    sql(db, 'DELETE FROM messages WHERE seq = ?').run(seq);
  }
  return finished.length;
}
