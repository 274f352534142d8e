import type { Database } from 'better-sqlite3';
import { XportError, applyRecipientTransition, recipientTransition, type Completion, type CompletionReceipt } from '@xport/provider-sdk';
import { leasedRecipient } from './leasing.js';
import { sql } from './statements.js';
import { appendCompletionEvent, appendDeletedEvents } from './event-log.js';

const UPDATE_RECIPIENT = `UPDATE recipients SET state = ?, provider = ?, destination = COALESCE(?, destination), attempts = ?, next_attempt_at = ?, due_at = ?,
  last_error = COALESCE(?, last_error), updated_at = ?, lease_id = NULL, lease_owner = NULL, lease_expires_at = NULL
  WHERE message_seq = ? AND idx = ?`;

/**
 * Applies a claim result in the caller's transaction, after the SDK's lease check: the SDK decides
 * the recipient's next values (recipientTransition), this writes them. `due_at` is the next attempt
 * (the recipient leaves flight, so its due time is no longer the lease's expiry).
 */
export function applyCompletion(db: Database, path: string, completion: Completion): CompletionReceipt {
  const row = leasedRecipient(db, path, completion);
  const now = completion.now ?? Date.now();
  const transition = recipientTransition(completion.result);
  const next = applyRecipientTransition({ ...row, lastError: undefined }, transition, now);
  const error = transition.lastError === undefined ? null : JSON.stringify(transition.lastError);
  sql(db, UPDATE_RECIPIENT).run(next.state, next.provider, transition.destination ?? null, next.attempts, next.nextAttemptAt, next.nextAttemptAt, error, now, row.seq, completion.recipientIndex);
  appendCompletionEvent(db, row.seq, completion.messageId, completion.recipientIndex, completion.result, now);
  if (!transition.final) return { messageFinished: false };
  // One statement counts the recipient off and, for the last one, finishes the message.
  const left = sql<[number, number], { open_recipients: number }>(
    db,
    'UPDATE messages SET open_recipients = open_recipients - 1, finished_at = CASE WHEN open_recipients = 1 THEN ? ELSE finished_at END WHERE seq = ? RETURNING open_recipients',
  ).get(now, row.seq);
  return { messageFinished: left?.open_recipients === 0 };
}

/** Makes waiting recipients of these providers due at `now`; returns how many moved. */
export function makeRecipientsDue(db: Database, providers: readonly string[], now: number, limit?: number): number {
  // The first `limit` in due order (-1: no limit), read from the due index: a batch of a deep queue is one short transaction.
  return sql(
    db,
    `UPDATE recipients SET next_attempt_at = @now, due_at = @now, updated_at = @now
     WHERE (message_seq, idx) IN (
       SELECT message_seq, idx FROM recipients
       WHERE state IN ('queued', 'deferred') AND due_at IS NOT NULL AND due_at > @now AND provider IN (SELECT value FROM json_each(@providers))
       ORDER BY due_at, message_seq, idx LIMIT @limit
     )`,
  ).run({ now, providers: JSON.stringify(providers), limit: limit ?? -1 }).changes;
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
  appendDeletedEvents(db, message.seq, messageId, now);
  sql(
    db,
    `UPDATE recipients SET state = 'aborted', next_attempt_at = NULL, due_at = NULL, updated_at = ?,
     lease_id = NULL, lease_owner = NULL, lease_expires_at = NULL
     WHERE message_seq = ? AND state IN ('queued', 'deferred', 'held', 'in-flight')`,
  ).run(now, message.seq);
  sql(db, 'UPDATE messages SET open_recipients = 0, finished_at = ? WHERE seq = ?').run(now, message.seq);
}

/** Deletes sent messages finished before `before` (oldest first, at most `limit`), with their recipients and content. */
export function purgeFinished(db: Database, before: number, limit = -1): number {
  const finished = sql<[number, number], { seq: number; id: string }>(
    db,
    'SELECT seq, id FROM messages WHERE finished_at IS NOT NULL AND finished_at < ? ORDER BY finished_at, seq LIMIT ?',
  ).all(before, limit);
  for (const { seq, id } of finished) {
    sql(db, 'DELETE FROM part_chunks WHERE part_id IN (SELECT id FROM parts WHERE owner = ?)').run(id);
    sql(db, 'DELETE FROM parts WHERE owner = ?').run(id);
    sql(db, 'DELETE FROM recipients WHERE message_seq = ?').run(seq);
    sql(db, 'DELETE FROM messages WHERE seq = ?').run(seq);
  }
  return finished.length;
}
