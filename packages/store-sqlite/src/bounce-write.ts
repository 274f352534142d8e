import type { Database } from 'better-sqlite3';
import { asyncBounceTransition, isRecipientState, type AsyncBounce, type AsyncBounceReceipt, type SentMessageKey } from '@xport/provider-sdk';
import { sql } from './statements.js';
import { appendRecipientEvent } from './event-log.js';

/** Ids of messages with this ENVID or Message-ID, newest first (each key has its own partial index). */
export function findMessagesByKey(db: Database, key: SentMessageKey, limit: number): string[] {
  const [column, value] = 'envelopeId' in key ? ['envelope_id', key.envelopeId] : ['header_message_id', key.messageId];
  const rows = sql<[string, number], { id: string }>(db, `SELECT id FROM messages WHERE ${column} = ? ORDER BY seq DESC LIMIT ?`).all(value, limit);
  return rows.map((r) => r.id);
}

/**
 * The asynchronous bounce of one recipient, in the caller's transaction: reads its state, lets the
 * SDK's `asyncBounceTransition` decide, and writes the failure when it applies. One function, so the
 * `bounced` event of the event log can be written in the same transaction.
 */
export function applyAsyncBounce(db: Database, bounce: AsyncBounce): AsyncBounceReceipt {
  const row = sql<[string, number], { seq: number; state: string }>(
    db,
    'SELECT r.message_seq AS seq, r.state FROM recipients r JOIN messages m ON m.seq = r.message_seq WHERE m.id = ? AND r.idx = ?',
  ).get(bounce.messageId, bounce.recipientIndex);
  if (row === undefined || !isRecipientState(row.state)) return { failed: false };
  const transition = asyncBounceTransition(row.state, bounce.error);
  if (transition === undefined) return { failed: false, before: row.state };
  sql(db, 'UPDATE recipients SET state = ?, last_error = ?, updated_at = ? WHERE message_seq = ? AND idx = ?').run(
    transition.state,
    JSON.stringify(transition.lastError),
    bounce.now,
    row.seq,
    bounce.recipientIndex,
  );
  appendRecipientEvent(db, row.seq, bounce.messageId, bounce.recipientIndex, transition.event, bounce.now, transition.lastError);
  return { failed: true, before: row.state };
}
