import { asyncBounceTransition, isRecipientState, type AsyncBounce, type AsyncBounceReceipt, type SentMessageKey } from '@xport/provider-sdk';
import { inTransaction, type Database } from './database.js';
import { appendRecipientEvent } from './event-log.js';

/**
 * Ids of messages with this ENVID or Message-ID, newest first. The expressions are the ones the
 * schema v5 indexes are built on (the SDK's `sentMessageKeysOf`, read from the JSONB envelope).
 */
export async function findMessagesByKey(db: Database, key: SentMessageKey, limit: number): Promise<string[]> {
  const [expression, value] = 'envelopeId' in key ? [`(envelope #>> '{dsn,envelopeId}')`, key.envelopeId] : [`(envelope ->> 'messageId')`, key.messageId];
  const { rows } = await db.pool.query<{ id: string }>(`SELECT id FROM ${db.s}.messages WHERE ${expression} = $1 ORDER BY seq DESC LIMIT $2`, [value, limit]);
  return rows.map((r) => r.id);
}

/**
 * The asynchronous bounce of one recipient, in one transaction: locks the row, lets the SDK's
 * `asyncBounceTransition` decide, and writes the failure when it applies. One function, so the
 * `bounced` event of the event log can be written in the same transaction.
 */
export async function applyAsyncBounce(db: Database, bounce: AsyncBounce): Promise<AsyncBounceReceipt> {
  return inTransaction(db, async (client) => {
    const { rows } = await client.query<{ seq: string; state: string }>(
      `SELECT r.message_seq AS seq, r.state FROM ${db.s}.recipients r JOIN ${db.s}.messages m ON m.seq = r.message_seq
       WHERE m.id = $1 AND r.idx = $2 FOR UPDATE OF r`,
      [bounce.messageId, bounce.recipientIndex],
    );
    const row = rows[0];
    if (row === undefined || !isRecipientState(row.state)) return { failed: false };
    const transition = asyncBounceTransition(row.state, bounce.error);
    if (transition === undefined) return { failed: false, before: row.state };
    await client.query(`UPDATE ${db.s}.recipients SET state = $1, last_error = $2, updated_at = $3 WHERE message_seq = $4 AND idx = $5`, [
      transition.state,
      JSON.stringify(transition.lastError),
      bounce.now,
      row.seq,
      bounce.recipientIndex,
    ]);
    await appendRecipientEvent(client, db, { messageSeq: row.seq, messageId: bounce.messageId, index: bounce.recipientIndex }, transition.event, bounce.now, transition.lastError);
    return { failed: true, before: row.state };
  });
}
