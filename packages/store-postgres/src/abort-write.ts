import { XportError } from '@xport/provider-sdk';
import { inTransaction, type Database } from './database.js';

/** Aborts a queued message (MAPI's AbortSubmit): refused while a recipient is in flight under a live lease. */
export async function abortMessage(db: Database, messageId: string, now: number): Promise<void> {
  await inTransaction(db, async (client) => {
    const { rows: messages } = await client.query<{ seq: number; finished_at: number | null }>(
      `SELECT seq, finished_at FROM ${db.s}.messages WHERE id = $1 AND NOT quarantined FOR UPDATE`,
      [messageId],
    );
    const message = messages[0];
    if (!message || message.finished_at !== null) {
      const why = message ? `it already finished at ${message.finished_at}` : 'it does not exist';
      throw new XportError('XPORT_STORE_NOT_FOUND', `${db.target.label}: cannot abort message ${messageId}: ${why}`, { details: { messageId } });
    }
    // Locking the recipients keeps claimers (SKIP LOCKED) off them until we are done.
    const { rows: recipients } = await client.query<{ idx: number; state: string; lease_owner: string | null; lease_expires_at: number | null }>(
      `SELECT idx, state, lease_owner, lease_expires_at FROM ${db.s}.recipients WHERE message_seq = $1 ORDER BY idx FOR UPDATE`,
      [message.seq],
    );
    const busy = recipients.find((r) => r.state === 'in-flight' && (r.lease_expires_at ?? 0) > now);
    if (busy) {
      throw new XportError(
        'XPORT_STORE_IN_FLIGHT',
        `${db.target.label}: cannot abort message ${messageId}: recipient #${busy.idx} is being sent (lease held by ${busy.lease_owner} until ${busy.lease_expires_at})`,
        { details: { messageId, recipientIndex: busy.idx } },
      );
    }
    await client.query(
      `INSERT INTO ${db.s}.pending_events (type, at, message_id, recipient_index, recipient, provider, attempts)
       SELECT 'deleted', $2, $3, idx, recipient, provider, attempts FROM ${db.s}.recipients
       WHERE message_seq = $1 AND state IN ('queued', 'deferred', 'held', 'in-flight') ORDER BY idx`,
      [message.seq, now, messageId],
    );
    await client.query(
      `UPDATE ${db.s}.recipients SET state = 'aborted', next_attempt_at = NULL, due_at = NULL, updated_at = $2,
         lease_id = NULL, lease_owner = NULL, lease_expires_at = NULL
       WHERE message_seq = $1 AND state IN ('queued', 'deferred', 'held', 'in-flight')`,
      [message.seq, now],
    );
    await client.query(`UPDATE ${db.s}.messages SET open_recipients = 0, finished_at = $2 WHERE seq = $1`, [message.seq, now]);
  });
}
