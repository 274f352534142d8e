import { recipientTransition, staleLeaseError, unknownRecipientError, type Completion, type CompletionReceipt, type RecipientState } from '@xport/provider-sdk';
import { queryPrepared, type Database } from './database.js';
import type { JobOutcome } from './group-commit.js';
import { completionEventColumns } from './event-log.js';

export interface CompletionRow {
  ord: number;
  found_state: RecipientState | null;
  found_lease: string | null;
  applied: boolean;
  finished: boolean;
}

// Deadlocks (a batch and an abort, or two daemons' batches touching one message) and serialization
// failures are retried: the statement as a whole was rolled back, nothing of it was applied.
export const RETRYABLE = new Set(['40P01', '40001']);
export const ATTEMPTS = 3;

/**
 * One statement for a whole batch of completions: lock the target rows in key order (so batches of
 * different daemons cannot deadlock on each other), apply each result only where its lease is
 * still the current one, and count down each message's open recipients by the final results it got.
 * The message row lock serialises concurrent completions of one message, so exactly one statement
 * sees its count reach zero; within a batch, the last completion of that message reports it.
 *
 * The rule is the SDK's, not this SQL's: each input row is a `recipientTransition` (toInputRow), and
 * the UPDATE is `applyRecipientTransition` written set-based, because the values it keeps (provider,
 * place in line, last error) are only known to the statement: `keep_provider` keeps the provider,
 * `keep_place` keeps the next attempt it had (or now), a null error keeps the last one. The lease
 * condition (`in-flight` with the same lease id) is the SDK's `isLeaseCurrent`.
 */
function completeBatchSql(db: Database): string {
  return `
    WITH ${completionCtes(db, '$1')}
    SELECT i.ord, t.state AS found_state, t.lease_id AS found_lease, u.ord IS NOT NULL AS applied,
      COALESCE(f.finished_at IS NOT NULL AND f.last_ord = i.ord, false) AS finished,
      (SELECT count(*) FROM pg_notify($2, '') WHERE EXISTS (SELECT 1 FROM updated WHERE wakes)) AS notified
    FROM input i
    LEFT JOIN target t ON t.ord = i.ord
    LEFT JOIN updated u ON u.ord = i.ord
    LEFT JOIN finished f ON f.seq = u.message_seq
    ORDER BY i.ord`;
}

/**
 * The completion's CTEs (input, target, updated, completion_events, closing, finished), reading the
 * batch from the jsonb parameter `input`: for the statement above, and for a claim that carries a
 * batch (carried-completions.ts). `target` holds the rows the batch writes.
 */
export function completionCtes(db: Database, input: string): string {
  return `
    input AS (
      SELECT i.* FROM jsonb_to_recordset(${input}::jsonb) AS i(ord int, message_id text, idx int, lease_id text, state text,
        provider text, keep_provider boolean, destination text, counted int, final boolean, next_at bigint, keep_place boolean, at_ms bigint, error jsonb, wakes boolean,
        event_type text, event_error jsonb, event_next_at bigint)
    ), target AS (
      -- One index look-up per completion (a LATERAL subquery with a locking clause is never flattened
      -- into a join): planned as a join, the ~100 rows the planner assumes for jsonb_to_recordset made it
      -- hash-join a sequential scan of every message. Rows are locked in (message id, index) order, the
      -- same in every batch of every daemon, so batches cannot deadlock on each other.
      SELECT i.ord, t.message_seq, t.idx, t.state, t.lease_id, t.next_attempt_at, t.provider
      FROM (SELECT ord, message_id, idx FROM input ORDER BY message_id, idx) i
      CROSS JOIN LATERAL (
        SELECT r.message_seq, r.idx, r.state, r.lease_id, r.next_attempt_at, r.provider
        FROM ${db.s}.messages m JOIN ${db.s}.recipients r ON r.message_seq = m.seq
        WHERE m.id = i.message_id AND r.idx = i.idx
        FOR NO KEY UPDATE OF r, m
      ) t
    ), updated AS (
      UPDATE ${db.s}.recipients r SET
        state = i.state,
        provider = CASE WHEN i.keep_provider THEN t.provider ELSE i.provider END,
        destination = COALESCE(i.destination, r.destination),
        attempts = r.attempts + i.counted,
        next_attempt_at = CASE WHEN i.keep_place THEN COALESCE(t.next_attempt_at, i.at_ms) ELSE i.next_at END,
        due_at = CASE WHEN i.keep_place THEN COALESCE(t.next_attempt_at, i.at_ms) ELSE i.next_at END,
        last_error = COALESCE(i.error, r.last_error),
        updated_at = i.at_ms, lease_id = NULL, lease_owner = NULL, lease_expires_at = NULL
      FROM target t JOIN input i ON i.ord = t.ord
      WHERE r.message_seq = t.message_seq AND r.idx = t.idx AND t.state = 'in-flight' AND t.lease_id = i.lease_id
      RETURNING i.ord, r.message_seq, i.final, i.at_ms, i.wakes, r.idx, r.recipient, r.provider, r.attempts
    ), completion_events AS (
      -- The event each applied result owes (none for a hand-over), with the recipient as it is now
      -- (pending until a reader publishes it: event-log.ts).
      INSERT INTO ${db.s}.pending_events (type, at, message_id, recipient_index, recipient, provider, attempts, error, next_attempt_at)
      SELECT i.event_type, i.at_ms, i.message_id, u.idx, u.recipient, u.provider, u.attempts, i.event_error, i.event_next_at
      FROM updated u JOIN input i ON i.ord = u.ord WHERE i.event_type IS NOT NULL ORDER BY u.ord
    ), closing AS (
      SELECT message_seq, count(*)::int AS n, max(at_ms) AS at_ms, max(ord) AS last_ord FROM updated WHERE final GROUP BY message_seq
    ), finished AS (
      UPDATE ${db.s}.messages m SET
        open_recipients = m.open_recipients - c.n,
        finished_at = CASE WHEN m.open_recipients = c.n THEN c.at_ms ELSE NULL END
      FROM closing c
      WHERE m.seq = c.message_seq
      RETURNING m.seq, m.finished_at, c.last_ord
    )`;
}

/** A batch as the jsonb the completion statements read (`input`). */
export function completionInput(completions: readonly Completion[]): string {
  return JSON.stringify(completions.map(toInputRow));
}

function toInputRow(completion: Completion, ord: number): Record<string, unknown> {
  const transition = recipientTransition(completion.result);
  return {
    ord,
    message_id: completion.messageId,
    idx: completion.recipientIndex,
    lease_id: completion.leaseId,
    state: transition.state,
    provider: transition.provider ?? null,
    keep_provider: transition.provider === undefined,
    destination: transition.destination ?? null,
    counted: transition.attemptsAdded,
    final: transition.final,
    next_at: transition.nextAttemptAt ?? null,
    keep_place: transition.nextAttemptAt === undefined,
    at_ms: completion.now ?? Date.now(),
    error: transition.lastError ?? null,
    wakes: transition.wakes,
    ...completionEventColumns(completion.result),
  };
}

export function toReceipt(db: Database, completion: Completion, row: CompletionRow | undefined): JobOutcome<CompletionReceipt> {
  if (!row || row.found_state === null) return { ok: false, error: unknownRecipientError(db.target.label, completion) };
  if (!row.applied) return { ok: false, error: staleLeaseError(db.target.label, completion, { state: row.found_state, leaseId: row.found_lease }) };
  return { ok: true, value: { messageFinished: row.finished } };
}

async function runCompletionBatch(db: Database, completions: readonly Completion[]): Promise<Array<JobOutcome<CompletionReceipt>>> {
  const input = completionInput(completions);
  for (let attempt = 1; ; attempt += 1) {
    try {
      const { rows } = await queryPrepared<CompletionRow>(db, 'complete', completeBatchSql(db), [input, db.channel]);
      const byOrd = new Map(rows.map((row) => [row.ord, row]));
      return completions.map((completion, ord) => toReceipt(db, completion, byOrd.get(ord)));
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= ATTEMPTS || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
    }
  }
}

/**
 * Applies a batch of claim results in one statement, each refused on its own
 * (`XPORT_STORE_STALE_LEASE`, `XPORT_STORE_NOT_FOUND`) when its lease is no longer current. A batch
 * that fails as a whole for a reason other than the database being unavailable is retried one
 * completion at a time, so a completion the database rejects fails alone.
 */
export async function applyCompletions(
  db: Database,
  completions: readonly Completion[],
  isUnavailable: (error: unknown) => boolean,
): Promise<Array<JobOutcome<CompletionReceipt>>> {
  try {
    return await runCompletionBatch(db, completions);
  } catch (error) {
    if (completions.length === 1 || isUnavailable(error)) return completions.map(() => ({ ok: false, error }));
  }
  const outcomes: Array<JobOutcome<CompletionReceipt>> = [];
  for (const completion of completions) {
    try {
      outcomes.push(...(await runCompletionBatch(db, [completion])));
    } catch (error) {
      outcomes.push({ ok: false, error });
    }
  }
  return outcomes;
}

/** Makes waiting recipients of these providers due at `now`; returns how many moved. */
export async function makeRecipientsDue(db: Database, providers: readonly string[], now: number, limit?: number): Promise<number> {
  if (providers.length === 0) return 0;
  // The first `limit` in due order (NULL: no limit): a batch of a deep queue is one short statement.
  // The UPDATE repeats the state test: a row a claim or completion changed meanwhile is re-checked, not moved blindly.
  const { rows } = await db.pool.query<{ moved: number }>(
    `WITH picked AS (
       SELECT message_seq, idx FROM ${db.s}.recipients
       WHERE state IN ('queued', 'deferred') AND due_at > $1 AND provider = ANY($2::text[])
       ORDER BY due_at, message_seq, idx LIMIT $4
     ), moved AS (
       UPDATE ${db.s}.recipients r SET next_attempt_at = $1, due_at = $1, updated_at = $1
       FROM picked WHERE r.message_seq = picked.message_seq AND r.idx = picked.idx
         AND r.state IN ('queued', 'deferred') AND r.due_at > $1
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM moved)::int AS moved,
       (SELECT count(*) FROM pg_notify($3, '') WHERE EXISTS (SELECT 1 FROM moved)) AS notified`,
    [now, providers, db.channel, limit ?? null],
  );
  return rows[0]?.moved ?? 0;
}

/** Deletes sent messages finished before `before` (oldest first, at most `limit`), with their recipients (cascade) and content. */
export async function purgeFinished(db: Database, before: number, limit?: number): Promise<number> {
  const { rows } = await db.pool.query<{ purged: number }>(
    `WITH gone AS (
       DELETE FROM ${db.s}.messages WHERE seq IN (
         SELECT seq FROM ${db.s}.messages WHERE finished_at IS NOT NULL AND finished_at < $1 ORDER BY finished_at, seq LIMIT $2
       ) RETURNING id
     ), gone_parts AS (
       DELETE FROM ${db.s}.parts WHERE owner IN (SELECT id FROM gone)
     )
     SELECT count(*)::int AS purged FROM gone`,
    [before, limit ?? null],
  );
  return rows[0]?.purged ?? 0;
}
