import {
  leaseExpiry,
  strandedCondition,
  type Claim,
  type ClaimRequest,
  type Recipient,
  type RecipientRole,
  type StrandedClaim,
  type StrandedClaimRequest,
} from '@xport/provider-sdk';
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
  small_parts: Array<{ partId: string; data: string }> | null;
}

// What the claim leased, and what it read beside the leases for the spooler's next reads.
export interface LeasedRecipients {
  readonly claims: Claim[];
  readonly messages: MessageReadAhead[];
  readonly parts: PartReadAhead[];
}

// A row the claim leased (a TID probe of the rows `due` locked).
const LEASED_ROW = 'r.ctid = ANY (ARRAY(SELECT d.row_id FROM due d))';

const RECIPIENT_COLUMNS = ['recipient', 'role', 'provider', 'state', 'attempts', 'next_attempt_at', 'last_error', 'updated_at', 'expires_while_held'];

/**
 * The due claim, reading ahead in the same statement: each leased message once (all its recipients,
 * as `getMessage` returns them) and the content of its parts that sit whole in one chunk of at most
 * `$5` bytes. The outer SELECT sees the recipients as they were before the UPDATE; of the columns it
 * reads, the claim changes only `state` and `updated_at`, so a leased row (found by the ctid it was
 * locked at) is shown with those two as the UPDATE set them.
 *
 * Every step is an index or TID probe whatever the batch size, and nothing rescans the batch per
 * row: the statement is a named prepared statement with a generic plan, so no step may depend on
 * the planner guessing how many rows `$2` leases.
 */
export function claimSql(db: Database, filtered: boolean, skipping: boolean): string {
  return `WITH ${claimCtes(db, filtered, skipping)}\n${claimSelect(db)}`;
}

/**
 * The claim's CTEs (due, leased, numbered). `exclude`, a condition on `r`, leaves out rows another
 * part of the same statement writes (a statement must not update one row twice).
 */
export function claimCtes(db: Database, filtered: boolean, skipping: boolean, exclude?: string): string {
  return `
    due AS (
      SELECT r.ctid AS row_id, r.message_seq, r.idx, r.due_at
      FROM ${db.s}.recipients r
      WHERE r.due_at <= $1 AND r.provider IS NOT NULL ${filtered ? 'AND r.provider = ANY($6::text[])' : ''}
        ${skipping ? `AND (r.destination IS NULL OR r.destination <> ALL($${filtered ? 7 : 6}::text[]))` : ''}
        ${exclude === undefined ? '' : `AND ${exclude}`}
      ORDER BY r.due_at, r.message_seq, r.idx
      LIMIT $2
      FOR UPDATE SKIP LOCKED
    ), leased AS (
      UPDATE ${db.s}.recipients r
      SET state = 'in-flight', lease_id = gen_random_uuid()::text, lease_owner = $3, lease_expires_at = $4, due_at = $4, updated_at = $1
      FROM due
      -- ctid = ANY(array) can only be a TID scan of the locked rows; joined on the key or on ctid
      -- alone, the generic plan is a hash join over a scan of every recipient.
      WHERE ${LEASED_ROW} AND r.ctid = due.row_id
      RETURNING r.message_seq, r.idx, due.due_at AS was_due, r.lease_id, r.recipient, r.role, r.provider, r.attempts
    ), numbered AS (
      SELECT l.*, row_number() OVER (PARTITION BY l.message_seq ORDER BY l.idx) AS nth FROM leased l
    )`;
}


/** The claim's rows (18 columns, then `extraColumns`): each leased recipient, and beside the first of each message what it reads ahead. */
export function claimSelect(db: Database, extraColumns = ''): string {
  const shown = RECIPIENT_COLUMNS.map((c) => {
    if (c === 'state') return `CASE WHEN ${LEASED_ROW} THEN 'in-flight' ELSE r.state END AS state`;
    if (c === 'updated_at') return `CASE WHEN ${LEASED_ROW} THEN $1 ELSE r.updated_at END AS updated_at`;
    return `r.${c}`;
  }).join(', ');
  return `
    SELECT (SELECT m.id FROM ${db.s}.messages m WHERE m.seq = l.message_seq) AS id, l.message_seq, l.idx, l.was_due, l.lease_id, l.recipient, l.role, l.provider, l.attempts,
      ra.idempotency_key, ra.envelope, ra.parts, ra.size, ra.submitted_at, ra.expires_at, ra.finished_at, ra.recipients, ra.small_parts${extraColumns}
    FROM numbered l
    LEFT JOIN LATERAL (
      SELECT m.idempotency_key, m.envelope, m.parts, m.size, m.submitted_at, m.expires_at, m.finished_at,
        (SELECT json_agg(x ORDER BY x.idx) FROM (
           SELECT r.message_seq, r.idx, ${shown}
           FROM ${db.s}.recipients r
           WHERE r.message_seq = m.seq
         ) x) AS recipients,
        p.small_parts
      FROM ${db.s}.messages m, LATERAL (
        -- As JSON with base64 content: parsed natively by the driver, where text-format arrays
        -- (bytea[] in hex) cost more JavaScript than everything else in the claim.
        SELECT json_agg(json_build_object('partId', e.part_id, 'data', encode(e.data, 'base64'))) AS small_parts
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
      -- Each message once, beside its first leased recipient.
      WHERE l.nth = 1 AND m.seq = l.message_seq AND NOT m.quarantined
      OFFSET 0
    ) ra ON true`;
}

/**
 * Leasing: claims put recipients in flight under a lease (expiry by the SDK's lease rules).
 * Leases due recipients in one statement. `FOR UPDATE SKIP LOCKED` lets many claimers (in this
 * process or other daemons) run at once without waiting on, or sharing, each other's rows; a row
 * another claimer leased meanwhile is re-checked against `due_at <= now` and left out. The same
 * statement reads ahead what the spooler asks for next (see claimSql): `partBytes` bounds the
 * content it brings back per part.
 */
export async function leaseDueRecipients(db: Database, request: ClaimRequest, partBytes: number): Promise<LeasedRecipients> {
  const statement = dueClaimStatement(request, partBytes);
  if (statement === undefined) return { claims: [], messages: [], parts: [] };
  const { filtered, skipping } = statement;
  const { rows } = await queryPrepared<LeasedClaimRow>(db, `claim${statementSuffix(statement)}`, claimSql(db, filtered, skipping), [...statement.values]);
  return toLeasedRecipients(rows, statement.leaseExpiresAt);
}

/** A due claim's parameters and the shape of its statement (undefined: the claim can lease nothing). */
export interface DueClaimStatement {
  readonly filtered: boolean;
  readonly skipping: boolean;
  readonly values: readonly unknown[];
  readonly leaseExpiresAt: number;
}

export function dueClaimStatement(request: ClaimRequest, partBytes: number): DueClaimStatement | undefined {
  const limit = Math.max(0, Math.floor(request.limit));
  if (limit === 0 || (request.providers !== undefined && request.providers.length === 0)) return undefined;
  const leaseExpiresAt = leaseExpiry(request);
  const filtered = request.providers !== undefined;
  const skipping = request.skipDestinations !== undefined && request.skipDestinations.length > 0;
  const values: unknown[] = [request.now, limit, request.owner, leaseExpiresAt, partBytes];
  if (filtered) values.push(request.providers);
  if (skipping) values.push(request.skipDestinations);
  return { filtered, skipping, values, leaseExpiresAt };
}

/** The prepared statement name's tail for a claim of this shape. */
export function statementSuffix(statement: Pick<DueClaimStatement, 'filtered' | 'skipping'>): string {
  return `${statement.filtered ? '_providers' : ''}${statement.skipping ? '_skipping' : ''}`;
}

/** One row of the claim statement (claimSelect). */
export type LeasedClaimRow = LeasedRow & ReadAheadColumns;

/** The claims, in due order, and what the statement read ahead beside them. */
export function toLeasedRecipients(rows: LeasedClaimRow[], leaseExpiresAt: number): LeasedRecipients {
  // RETURNING has no order of its own: hand claims out in due order, then submit order.
  rows.sort((a, b) => a.was_due - b.was_due || a.message_seq - b.message_seq || a.idx - b.idx);
  const messages: MessageReadAhead[] = [];
  const parts: PartReadAhead[] = [];
  for (const row of rows) {
    if (row.recipients === null || row.size === null) continue;
    const { id, message_seq: seq, idempotency_key, envelope, size, submitted_at, expires_at, finished_at, recipients } = row;
    messages.push({ seq, id, idempotency_key, envelope, parts: row.parts, size, submitted_at, expires_at, finished_at, recipients });
    for (const part of row.small_parts ?? []) parts.push({ partId: part.partId, data: Buffer.from(part.data, 'base64') });
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
    // Not judged here: the spooler's getMessage decodes the record (and quarantines it) before a send.
    role: row.role as RecipientRole,
    provider: row.provider,
    attempts: row.attempts,
    leaseExpiresAt,
  };
}

interface StrandedRow extends Omit<LeasedRow, 'provider' | 'was_due'> {
  provider: string | null;
}

// The SDK's stranded rule (isStranded), as the condition it builds: waiting (or under an expired
// lease), and either without a provider or past the message's lifetime; or held with expire and past
// the lifetime (its message is then among the expired candidates).
function strandedSql(db: Database, oneMessage: boolean): string {
  return `
    WITH stranded AS (
      SELECT r.message_seq, r.idx
      FROM ${db.s}.messages m JOIN ${db.s}.recipients r ON r.message_seq = m.seq
      WHERE m.seq IN (
          SELECT message_seq FROM ${db.s}.recipients WHERE provider IS NULL AND due_at IS NOT NULL
          UNION ALL SELECT seq FROM ${db.s}.messages WHERE finished_at IS NULL AND expires_at <= $1)
        AND m.finished_at IS NULL AND NOT m.quarantined
        AND ${strandedCondition({ state: 'r.state', provider: 'r.provider', dueAt: 'r.due_at', expiresAt: 'm.expires_at', expiresWhileHeld: 'r.expires_while_held' }, '$1')} ${oneMessage ? 'AND m.id = $5' : ''}
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
  const leaseExpiresAt = leaseExpiry(request);
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
