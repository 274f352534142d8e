import type { ClaimRequest, Completion, CompletionReceipt } from '@xport/provider-sdk';
import { ATTEMPTS, RETRYABLE, applyCompletions, completionCtes, completionInput, toReceipt, type CompletionRow } from './complete-write.js';
import { queryPrepared, type Database } from './database.js';
import type { JobOutcome } from './group-commit.js';
import {
  claimCtes,
  claimSelect,
  dueClaimStatement,
  leaseDueRecipients,
  statementSuffix,
  toLeasedRecipients,
  type LeasedClaimRow,
  type LeasedRecipients,
} from './leasing.js';

// The claim's own columns (claimSelect), then the completions' outcomes on a row of their own.
const CLAIM_COLUMNS = 18;

/**
 * A due claim that carries a batch of completions in the same statement: one round trip and one
 * commit (one WAL flush) instead of two. A daemon's freed send slot asks for its next claim in the
 * same turn as it records the last send's results, so a transport-bound daemon pays one commit a
 * message for both. The parts are the completion statement's CTEs and the claim's, unchanged: the
 * claim leaves out the rows the completions write (`target`), since one statement must not update a
 * row twice, and the completions' outcomes come back as one extra row (`UNION ALL`), so they are
 * read even when the claim leases nothing.
 */
function claimCarryingSql(db: Database, filtered: boolean, skipping: boolean, inputParameter: number): string {
  const input = `$${inputParameter}`;
  const channel = `$${inputParameter + 1}`;
  return `
    WITH ${completionCtes(db, input)}, completed AS (
      SELECT json_agg(json_build_object('ord', i.ord, 'found_state', t.state, 'found_lease', t.lease_id, 'applied', u.ord IS NOT NULL,
          'finished', COALESCE(f.finished_at IS NOT NULL AND f.last_ord = i.ord, false))) AS outcomes,
        (SELECT count(*) FROM pg_notify(${channel}, '') WHERE EXISTS (SELECT 1 FROM updated WHERE wakes)) AS notified
      FROM input i
      LEFT JOIN target t ON t.ord = i.ord
      LEFT JOIN updated u ON u.ord = i.ord
      LEFT JOIN finished f ON f.seq = u.message_seq
    ), ${claimCtes(db, filtered, skipping, 'NOT EXISTS (SELECT 1 FROM target t WHERE t.message_seq = r.message_seq AND t.idx = r.idx)')}
    ${claimSelect(db, ', NULL::json AS completed')}
    UNION ALL
    SELECT ${Array.from({ length: CLAIM_COLUMNS }, () => 'NULL').join(', ')}, (SELECT outcomes FROM completed)
    FROM completed`;
}

/**
 * Runs a due claim and a batch of completions in one statement (see claimCarryingSql), handing the
 * completions' outcomes to `settle` as soon as they are known. A deadlock (a completion's lock wait
 * against an abort) is retried; the database being unavailable or full fails both (the error is
 * thrown, the completions settled by the caller); any other error runs them apart, so that one
 * completion the database rejects fails alone and the claim does not fail for it.
 */
export async function claimCarrying(
  db: Database,
  request: ClaimRequest,
  partBytes: number,
  completions: readonly Completion[],
  settle: (outcomes: Array<JobOutcome<CompletionReceipt>>) => void,
  isUnavailable: (error: unknown) => boolean,
): Promise<LeasedRecipients> {
  const statement = dueClaimStatement(request, partBytes);
  if (statement !== undefined) {
    const values = [...statement.values, completionInput(completions), db.channel];
    const text = claimCarryingSql(db, statement.filtered, statement.skipping, statement.values.length + 1);
    for (let attempt = 1; ; attempt += 1) {
      try {
        const { rows } = await queryPrepared<LeasedClaimRow & { completed: CompletionRow[] | null }>(db, `claim_completing${statementSuffix(statement)}`, text, values);
        const byOrd = new Map((rows.find((row) => row.completed !== null)?.completed ?? []).map((row) => [row.ord, row]));
        settle(completions.map((completion, ord) => toReceipt(db, completion, byOrd.get(ord))));
        return toLeasedRecipients(rows.filter((row) => row.completed === null), statement.leaseExpiresAt);
      } catch (error) {
        if (isUnavailable(error)) throw error;
        const code = (error as { code?: unknown }).code;
        if (attempt < ATTEMPTS && typeof code === 'string' && RETRYABLE.has(code)) continue;
        break;
      }
    }
  }
  // Apart: the completions first (they were asked for first), then the claim.
  settle(await applyCompletions(db, completions, isUnavailable));
  return leaseDueRecipients(db, request, partBytes);
}
