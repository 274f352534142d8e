import type { Claim, ClaimRequest, Recipient, RecipientRole, StrandedClaim, StrandedClaimRequest } from '@xport/provider-sdk';
import { queryPrepared, type Database } from './database.js';
import type { MessageReadAhead, PartReadAhead } from './read-ahead.js';
import type { RecipientRow } from './records.js';

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

/** Set on the first leased row of each message: the message as `getMessage` would read it now. */
interface ReadAheadColumns {
  idempotency_key: string | null;
  envelope: unknown;
  parts: unknown;
  size: number | null;
  submitted_at: number;
  expires_at: number;
  finished_at: number | null;
  recipients: RecipientRow[] | null;
  part_ids: string[] | null;
  part_data: Buffer[] | null;
}

// What the claim leased, and what it read beside the leases for the spooler's next reads.
export interface LeasedRecipients {
  readonly claims: Claim[];
  readonly messages: MessageReadAhead[];
  readonly parts: PartReadAhead[];
}

const RECIPIENT_COLUMNS = ['recipient', 'role', 'provider', 'state', 'attempts', 'next_attempt_at', 'last_error', 'updated_at'];

/**
 * The due claim, reading ahead in the same statement: each leased message once (all its recipients,
 * as `getMessage` returns them) and the content of its parts that sit whole in one chunk of at most
 * `$5` bytes. The outer SELECT sees the recipients as they were before the UPDATE, so the leased
 * ones are taken from the UPDATE's RETURNING instead.
 */
function claimSql(db: Database, filtered: boolean): string {
  const patched = RECIPIENT_COLUMNS.map((c) => `CASE WHEN k.idx IS NULL THEN r.${c} ELSE k.${c} END AS ${c}`).join(', ');
  return `
    WITH due AS (
      SELECT r.ctid AS row_id, r.message_seq, r.idx, r.due_at
      FROM ${db.s}.recipients r
      WHERE r.due_at <= $1 AND r.provider IS NOT NULL ${filtered ? 'AND r.provider = ANY($6::text[])' : ''}
      ORDER BY r.due_at, r.message_seq, r.idx
      LIMIT $2
      FOR UPDATE SKIP LOCKED
    ), leased AS (
      UPDATE ${db.s}.recipients r
      SET state = 'in-flight', lease_id = gen_random_uuid()::text, lease_owner = $3, lease_expires_at = $4, due_at = $4, updated_at = $1
      FROM due
      -- By the locked row's ctid (a TID scan): a join on the key is planned, generically, as a hash
      -- join over a scan of every recipient.
      WHERE r.ctid = due.row_id AND r.message_seq = due.message_seq AND r.idx = due.idx
      RETURNING r.message_seq, r.idx, due.due_at AS was_due, r.lease_id, ${RECIPIENT_COLUMNS.map((c) => `r.${c}`).join(', ')}
    )
    SELECT (SELECT m.id FROM ${db.s}.messages m WHERE m.seq = l.message_seq) AS id, l.message_seq, l.idx, l.was_due, l.lease_id, l.recipient, l.role, l.provider, l.attempts,
      ra.idempotency_key, ra.envelope, ra.parts, ra.size, ra.submitted_at, ra.expires_at, ra.finished_at, ra.recipients, ra.part_ids, ra.part_data
    FROM leased l
    LEFT JOIN LATERAL (
      SELECT m.idempotency_key, m.envelope, m.parts, m.size, m.submitted_at, m.expires_at, m.finished_at,
        (SELECT json_agg(x ORDER BY x.idx) FROM (
           SELECT r.message_seq, r.idx, ${patched}
           FROM ${db.s}.recipients r LEFT JOIN leased k ON k.message_seq = r.message_seq AND k.idx = r.idx
           WHERE r.message_seq = m.seq
         ) x) AS recipients,
        p.part_ids, p.part_data
      FROM ${db.s}.messages m, LATERAL (
        SELECT array_agg(e.part_id) AS part_ids, array_agg(e.data) AS part_data
        FROM (
          -- One index probe per small part (a scalar subquery, never a join the planner could turn into
          -- a scan of every chunk). No cast that can fail: a record of the wrong shape is quarantined
          -- by getMessage, not here.
          SELECT e.part_id, e.size, (SELECT c.data FROM ${db.s}.part_chunks c WHERE c.part_id = e.part_id AND c.seq = 0) AS data
          FROM (
            SELECT e->>'partId' AS part_id, CASE jsonb_typeof(e->'size') WHEN 'number' THEN (e->>'size')::numeric END AS size
            FROM jsonb_array_elements(CASE jsonb_typeof(m.parts) WHEN 'array' THEN m.parts ELSE '[]' END) e
          ) e
          WHERE e.size BETWEEN 1 AND $5
          OFFSET 0
        ) e
        WHERE octet_length(e.data) = e.size
      ) p
      WHERE m.seq = l.message_seq AND NOT m.quarantined AND l.idx = (SELECT min(f.idx) FROM leased f WHERE f.message_seq = l.message_seq)
      OFFSET 0
    ) ra ON true`;
}

/**
 * Leases due recipients in one statement. `FOR UPDATE SKIP LOCKED` lets many claimers (in this
 * process or other daemons) run at once without waiting on, or sharing, each other's rows; a row
 * another claimer leased meanwhile is re-checked against `due_at <= now` and left out. The same
 * statement reads ahead what the spooler asks for next (see claimSql): `partBytes` bounds the
 * content it brings back per part.
 */
export async function leaseDueRecipients(db: Database, request: ClaimRequest, partBytes: number): Promise<LeasedRecipients> {
  const limit = Math.max(0, Math.floor(request.limit));
  if (limit === 0 || (request.providers !== undefined && request.providers.length === 0)) return { claims: [], messages: [], parts: [] };
  const leaseExpiresAt = request.now + request.leaseMs;
  const values: unknown[] = [request.now, limit, request.owner, leaseExpiresAt, partBytes];
  if (request.providers !== undefined) values.push(request.providers);
  const { rows } = await queryPrepared<LeasedRow & ReadAheadColumns>(
    db,
    request.providers !== undefined ? 'claim_providers' : 'claim',
    claimSql(db, request.providers !== undefined),
    values,
  );
  // RETURNING has no order of its own: hand claims out in due order, then submit order.
  rows.sort((a, b) => a.was_due - b.was_due || a.message_seq - b.message_seq || a.idx - b.idx);
  const messages: MessageReadAhead[] = [];
  const parts: PartReadAhead[] = [];
  for (const row of rows) {
    if (row.recipients === null || row.size === null) continue;
    const { id, message_seq: seq, idempotency_key, envelope, size, submitted_at, expires_at, finished_at, recipients } = row;
    messages.push({ seq, id, idempotency_key, envelope, parts: row.parts, size, submitted_at, expires_at, finished_at, recipients });
    row.part_ids?.forEach((partId, i) => {
      const data = row.part_data?.[i];
      if (data) parts.push({ partId, data });
    });
  }
  return { claims: rows.map((row) => toClaim(row, leaseExpiresAt)), messages, parts };
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
