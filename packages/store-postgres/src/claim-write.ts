import type { Claim, ClaimRequest, Recipient, RecipientRole, StrandedClaim, StrandedClaimRequest } from '@xport/provider-sdk';
import { queryPrepared, type Database } from './database.js';

interface LeasedRow {
  id: string;
  message_seq: number;
  idx: number;
  was_due: number;
  lease_id: string;
  recipient: Recipient;
  role: string;
  provider: string;
  attempts: number;
}

function claimSql(db: Database, filtered: boolean): string {
  return `
    WITH due AS (
      SELECT r.message_seq, r.idx, r.due_at
      FROM ${db.s}.recipients r
      WHERE r.due_at <= $1 AND r.provider IS NOT NULL ${filtered ? 'AND r.provider = ANY($5::text[])' : ''}
      ORDER BY r.due_at, r.message_seq, r.idx
      LIMIT $2
      FOR UPDATE SKIP LOCKED
    )
    UPDATE ${db.s}.recipients r
    SET state = 'in-flight', lease_id = gen_random_uuid()::text, lease_owner = $3, lease_expires_at = $4, due_at = $4, updated_at = $1
    FROM due JOIN ${db.s}.messages m ON m.seq = due.message_seq
    WHERE r.message_seq = due.message_seq AND r.idx = due.idx
    RETURNING m.id, r.message_seq, r.idx, due.due_at AS was_due, r.lease_id, r.recipient, r.role, r.provider, r.attempts`;
}

/**
 * Leases due recipients in one statement. `FOR UPDATE SKIP LOCKED` lets many claimers (in this
 * process or other daemons) run at once without waiting on, or sharing, each other's rows; a row
 * another claimer leased meanwhile is re-checked against `due_at <= now` and left out.
 */
export async function leaseDueRecipients(db: Database, request: ClaimRequest): Promise<Claim[]> {
  const limit = Math.max(0, Math.floor(request.limit));
  if (limit === 0 || (request.providers !== undefined && request.providers.length === 0)) return [];
  const leaseExpiresAt = request.now + request.leaseMs;
  const values: unknown[] = [request.now, limit, request.owner, leaseExpiresAt];
  if (request.providers !== undefined) values.push(request.providers);
  const { rows } = await queryPrepared<LeasedRow>(db, request.providers !== undefined ? 'claim_providers' : 'claim', claimSql(db, request.providers !== undefined), values);
  // RETURNING has no order of its own: hand claims out in due order, then submit order.
  rows.sort((a, b) => a.was_due - b.was_due || a.message_seq - b.message_seq || a.idx - b.idx);
  return rows.map((row) => toClaim(row, leaseExpiresAt));
}

/** A leased row as the claim the spooler holds (a stranded one may have no provider). */
function toClaim<P extends string | null>(row: { lease_id: string; id: string; idx: number; recipient: Recipient; role: string; provider: P; attempts: number }, leaseExpiresAt: number) {
  return {
    leaseId: row.lease_id,
    messageId: row.id,
    recipientIndex: row.idx,
    recipient: row.recipient,
    role: row.role as RecipientRole,
    provider: row.provider,
    attempts: row.attempts,
    leaseExpiresAt,
  };
}

interface StrandedRow extends Omit<LeasedRow, 'provider' | 'was_due'> {
  provider: string | null;
}

// Waiting (or under an expired lease), and either without a provider or past the message's lifetime.
function strandedSql(db: Database, oneMessage: boolean): string {
  return `
    WITH stranded AS (
      SELECT r.message_seq, r.idx
      FROM ${db.s}.messages m JOIN ${db.s}.recipients r ON r.message_seq = m.seq
      WHERE m.seq IN (
          SELECT message_seq FROM ${db.s}.recipients WHERE provider IS NULL AND due_at IS NOT NULL
          UNION ALL SELECT seq FROM ${db.s}.messages WHERE finished_at IS NULL AND expires_at <= $1)
        AND m.finished_at IS NULL AND NOT m.quarantined AND r.due_at IS NOT NULL AND (r.state <> 'in-flight' OR r.due_at <= $1)
        AND (r.provider IS NULL OR m.expires_at <= $1) ${oneMessage ? 'AND m.id = $5' : ''}
      ORDER BY r.message_seq, r.idx
      LIMIT $2
      FOR UPDATE OF r SKIP LOCKED
    )
    UPDATE ${db.s}.recipients r
    SET state = 'in-flight', lease_id = gen_random_uuid()::text, lease_owner = $3, lease_expires_at = $4, due_at = $4, updated_at = $1
    FROM stranded JOIN ${db.s}.messages m ON m.seq = stranded.message_seq
    WHERE r.message_seq = stranded.message_seq AND r.idx = stranded.idx
    RETURNING m.id, r.message_seq, r.idx, r.lease_id, r.recipient, r.role, r.provider, r.attempts`;
}

/** Leases the recipients no send can settle (no provider, or past the lifetime), skipping rows another claimer holds. */
export async function leaseStrandedRecipients(db: Database, request: StrandedClaimRequest): Promise<StrandedClaim[]> {
  const limit = Math.max(0, Math.floor(request.limit));
  if (limit === 0) return [];
  const leaseExpiresAt = request.now + request.leaseMs;
  const values: unknown[] = [request.now, limit, request.owner, leaseExpiresAt];
  if (request.messageId !== undefined) values.push(request.messageId);
  const { rows } = await queryPrepared<StrandedRow>(
    db,
    request.messageId !== undefined ? 'claim_stranded_one' : 'claim_stranded',
    strandedSql(db, request.messageId !== undefined),
    values,
  );
  rows.sort((a, b) => a.message_seq - b.message_seq || a.idx - b.idx);
  return rows.map((row) => toClaim(row, leaseExpiresAt));
}
