import { XportError, type Completion, type CompletionReceipt } from '@xport/provider-sdk';
import type { Database } from './database.js';

interface CompletionRow {
  found_state: string;
  found_lease: string | null;
  applied: boolean;
  finished_at: number | null;
}

/**
 * One statement: lock the recipient row, apply the result only if the lease is still the current
 * one, and count down the message's open recipients. The message row update serialises concurrent
 * completions of one message, so exactly one of them sees the count reach zero and finishes it.
 */
function completeSql(db: Database): string {
  return `
    WITH target AS (
      SELECT r.message_seq, r.idx, r.state, r.lease_id, r.next_attempt_at, r.provider
      FROM ${db.s}.messages m JOIN ${db.s}.recipients r ON r.message_seq = m.seq AND r.idx = $2
      WHERE m.id = $1
      FOR UPDATE OF r
    ), updated AS (
      UPDATE ${db.s}.recipients r SET
        state = $4,
        provider = CASE WHEN $5::boolean THEN $6 ELSE t.provider END,
        attempts = r.attempts + $7,
        next_attempt_at = CASE WHEN $8::boolean THEN NULL ELSE COALESCE($9::bigint, t.next_attempt_at, $10::bigint) END,
        due_at = CASE WHEN $8::boolean THEN NULL ELSE COALESCE($9::bigint, t.next_attempt_at, $10::bigint) END,
        last_error = COALESCE($11::jsonb, r.last_error),
        updated_at = $10, lease_id = NULL, lease_owner = NULL, lease_expires_at = NULL
      FROM target t
      WHERE r.message_seq = t.message_seq AND r.idx = t.idx AND t.state = 'in-flight' AND t.lease_id = $3
      RETURNING r.message_seq
    ), finished AS (
      UPDATE ${db.s}.messages m SET
        open_recipients = m.open_recipients - 1,
        finished_at = CASE WHEN m.open_recipients = 1 THEN $10::bigint ELSE NULL END
      FROM updated u
      WHERE m.seq = u.message_seq AND $8::boolean
      RETURNING m.finished_at
    )
    SELECT t.state AS found_state, t.lease_id AS found_lease,
      EXISTS (SELECT 1 FROM updated) AS applied,
      (SELECT finished_at FROM finished) AS finished_at,
      (SELECT count(*) FROM updated, pg_notify($12, '') WHERE $13::boolean) AS notified
    FROM target t`;
}

/** Applies a claim result, refusing it (`XPORT_STORE_STALE_LEASE`) when the lease is no longer current. */
export async function applyCompletion(db: Database, completion: Completion): Promise<CompletionReceipt> {
  const { messageId, recipientIndex, leaseId, result } = completion;
  const now = completion.now ?? Date.now();
  const final = result.state === 'delivered' || result.state === 'failed' || result.state === 'expired';
  const counted = result.state === 'delivered' || result.state === 'failed' || (result.state === 'deferred' && result.countAttempt);
  const error = 'error' in result && result.error !== undefined ? JSON.stringify(result.error) : null;
  const { rows } = await db.pool.query<CompletionRow>(completeSql(db), [
    messageId,
    recipientIndex,
    leaseId,
    result.state,
    result.state === 'queued',
    result.state === 'queued' ? result.provider : null,
    counted ? 1 : 0,
    final,
    result.state === 'deferred' ? result.nextAttemptAt : result.state === 'queued' ? (result.nextAttemptAt ?? null) : null,
    now,
    error,
    db.channel,
    result.state === 'queued' || result.state === 'deferred',
  ]);
  const row = rows[0];
  if (!row) {
    throw new XportError('XPORT_STORE_NOT_FOUND', `${db.target.label}: message ${messageId} recipient #${recipientIndex} does not exist`, {
      details: { messageId, recipientIndex },
    });
  }
  if (!row.applied) {
    throw new XportError(
      'XPORT_STORE_STALE_LEASE',
      `${db.target.label}: message ${messageId} recipient #${recipientIndex}: lease ${leaseId} is no longer current (found ${row.found_lease ?? 'no lease'}, state ${row.found_state})`,
      { details: { messageId, recipientIndex, expected: leaseId, found: row.found_lease } },
    );
  }
  return { messageFinished: row.finished_at !== null };
}

/** Makes waiting recipients of these providers due at `now`; returns how many moved. */
export async function makeRecipientsDue(db: Database, providers: readonly string[], now: number): Promise<number> {
  if (providers.length === 0) return 0;
  const { rows } = await db.pool.query<{ moved: number }>(
    `WITH moved AS (
       UPDATE ${db.s}.recipients SET next_attempt_at = $1, due_at = $1, updated_at = $1
       WHERE state IN ('queued', 'deferred') AND due_at > $1 AND provider = ANY($2::text[])
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM moved)::int AS moved,
       (SELECT count(*) FROM pg_notify($3, '') WHERE EXISTS (SELECT 1 FROM moved)) AS notified`,
    [now, providers, db.channel],
  );
  return rows[0]?.moved ?? 0;
}

/** Deletes sent messages finished before `before`, with their recipients (cascade) and content. */
export async function purgeFinished(db: Database, before: number): Promise<number> {
  const { rows } = await db.pool.query<{ purged: number }>(
    `WITH gone AS (
       DELETE FROM ${db.s}.messages WHERE finished_at IS NOT NULL AND finished_at < $1 RETURNING id
     ), gone_parts AS (
       DELETE FROM ${db.s}.parts WHERE owner IN (SELECT id FROM gone)
     )
     SELECT count(*)::int AS purged FROM gone`,
    [before],
  );
  return rows[0]?.purged ?? 0;
}
