import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import {
  decodeEnvelopeRecord,
  decodePartsRecord,
  decodeRecipientRecord,
  decodeRecipientRoleRecord,
  isUndecodableRecord,
  checkCompletionLease,
  leaseExpiry,
  type RecipientProgress,
  type RecipientState,
  type Completion,
  strandedCondition,
  type Claim,
  type ClaimRequest,
  type StrandedClaim,
  type StrandedClaimRequest,
} from '@xport/provider-sdk';
import { quarantineMessage } from './quarantine.js';
import { sql } from './statements.js';

interface DueRow {
  message_seq: number;
  idx: number;
  id: string;
  recipient: string;
  role: string;
  provider: string | null;
  attempts: number;
  envelope: string;
  parts: string;
}

const SELECT_DUE = `SELECT r.message_seq, r.idx, m.id, r.recipient, r.role, r.provider, r.attempts, m.envelope, m.parts
  FROM recipients r JOIN messages m ON m.seq = r.message_seq
  WHERE r.due_at IS NOT NULL AND r.due_at <= @now AND r.provider IS NOT NULL`;
const ORDER = ' ORDER BY r.due_at, r.message_seq, r.idx LIMIT @limit';

const BY_PROVIDER = ' AND r.provider IN (SELECT value FROM json_each(@providers))';

// With destinations to skip, the due recipients are chosen from the due index alone (it carries
// provider and destination) and only the chosen ones are read: a held destination's due recipients
// are stepped over as index entries, never as rows (a WITHOUT ROWID table has no deferred seek, so
// filtering in the join read each skipped row: 10,000 of them cost a claim ~30 ms, ~15 ms this way).
const SELECT_DUE_SKIPPING = `SELECT r.message_seq, r.idx, m.id, r.recipient, r.role, r.provider, r.attempts, m.envelope, m.parts
  FROM (SELECT message_seq, idx, due_at FROM recipients INDEXED BY recipients_due
        WHERE due_at IS NOT NULL AND due_at <= @now AND provider IS NOT NULL PROVIDERS
          AND (destination IS NULL OR destination NOT IN (SELECT value FROM json_each(@skip)))
        ORDER BY due_at, message_seq, idx LIMIT @limit) d
  JOIN recipients r ON r.message_seq = d.message_seq AND r.idx = d.idx
  JOIN messages m ON m.seq = r.message_seq
  ORDER BY d.due_at, d.message_seq, d.idx`;

function selectDue(db: Database, request: ClaimRequest, limit: number): DueRow[] {
  const skip = request.skipDestinations !== undefined && request.skipDestinations.length > 0;
  const byProvider = request.providers === undefined ? '' : BY_PROVIDER;
  const query = skip ? SELECT_DUE_SKIPPING.replace(' PROVIDERS', byProvider.replace('r.provider', 'provider')) : `${SELECT_DUE}${byProvider}${ORDER}`;
  return sql<[Record<string, unknown>], DueRow>(db, query).all({
    now: request.now,
    limit,
    ...(request.providers === undefined ? {} : { providers: JSON.stringify(request.providers) }),
    ...(skip ? { skip: JSON.stringify(request.skipDestinations) } : {}),
  });
}

// The SDK's stranded rule (isStranded), as the condition it builds: waiting (or under an expired
// lease), and either without a provider or past the message's lifetime; or held with expire and past
// the lifetime. The candidate messages come from two partial indexes (unrouted recipients; open
// messages by expiry: a held recipient to expire is only stranded once its message is there).
const SELECT_STRANDED = `SELECT r.message_seq, r.idx, m.id, r.recipient, r.role, r.provider, r.attempts, m.envelope, m.parts
  FROM messages m JOIN recipients r ON r.message_seq = m.seq
  WHERE m.seq IN (
    SELECT message_seq FROM recipients INDEXED BY recipients_unrouted WHERE provider IS NULL AND due_at IS NOT NULL
    UNION ALL SELECT seq FROM messages INDEXED BY messages_open_expiry WHERE finished_at IS NULL AND expires_at <= @now)
  AND m.finished_at IS NULL AND m.quarantined = 0
  AND ${strandedCondition({ state: 'r.state', provider: 'r.provider', dueAt: 'r.due_at', expiresAt: 'm.expires_at', expiresWhileHeld: 'r.expires_while_held' }, '@now')}`;
const STRANDED_ORDER = ' ORDER BY m.seq, r.idx LIMIT @limit';

function selectStranded(db: Database, request: StrandedClaimRequest, limit: number): DueRow[] {
  if (request.messageId === undefined) return sql<[{ now: number; limit: number }], DueRow>(db, SELECT_STRANDED + STRANDED_ORDER).all({ now: request.now, limit });
  return sql<[{ now: number; limit: number; id: string }], DueRow>(db, `${SELECT_STRANDED} AND m.id = @id${STRANDED_ORDER}`).all({
    now: request.now,
    limit,
    id: request.messageId,
  });
}

export interface Quarantined {
  readonly messageId: string;
  readonly reason: string;
}

/**
 * Leasing: claims put recipients in flight under a lease (expiry by the SDK's lease rules).
 * Leases due recipients in the caller's (immediate) transaction. A message that does not decode is
 * quarantined on the way and the claim goes on without it.
 */
export function leaseDueRecipients(db: Database, request: ClaimRequest, quarantined: Quarantined[]): Claim[] {
  return leaseRows(db, request, quarantined, (limit) => selectDue(db, request, limit)) as Claim[];
}

/** Leases the recipients no send can settle (no provider, or past the lifetime), like `leaseDueRecipients`. */
export function leaseStrandedRecipients(db: Database, request: StrandedClaimRequest, quarantined: Quarantined[]): StrandedClaim[] {
  return leaseRows(db, request, quarantined, (limit) => selectStranded(db, request, limit));
}

function leaseRows(
  db: Database,
  request: ClaimRequest | StrandedClaimRequest,
  quarantined: Quarantined[],
  select: (limit: number) => DueRow[],
): StrandedClaim[] {
  let claims: StrandedClaim[] = [];
  const lease = sql(
    db,
    `UPDATE recipients SET state = 'in-flight', lease_id = ?, lease_owner = ?, lease_expires_at = ?, due_at = ?, updated_at = ?
     WHERE message_seq = ? AND idx = ?`,
  );
  const checked = new Set<number>();
  const bad = new Set<number>();
  const leaseExpiresAt = leaseExpiry(request);
  while (claims.length < request.limit) {
    const rows = select(request.limit - claims.length);
    let skipped = false;
    for (const row of rows) {
      if (bad.has(row.message_seq)) continue;
      let recipient;
      let role;
      try {
        recipient = decodeRecipientRecord(row.recipient);
        role = decodeRecipientRoleRecord(row.role);
        if (!checked.has(row.message_seq)) {
          decodeEnvelopeRecord(row.envelope);
          decodePartsRecord(row.parts);
          checked.add(row.message_seq);
        }
      } catch (error) {
        if (!isUndecodableRecord(error)) throw error;
        const reason = `message ${row.id}: ${error.message}`;
        quarantineMessage(db, row.id, reason, Date.now());
        bad.add(row.message_seq);
        // Recipients of it leased earlier in this batch are not handed out either.
        claims = claims.filter((c) => c.messageId !== row.id);
        quarantined.push({ messageId: row.id, reason });
        skipped = true;
        continue;
      }
      const leaseId = randomUUID();
      lease.run(leaseId, request.owner, leaseExpiresAt, leaseExpiresAt, request.now, row.message_seq, row.idx);
      claims.push({
        leaseId,
        messageId: row.id,
        recipientIndex: row.idx,
        recipient,
        role,
        provider: row.provider,
        attempts: row.attempts,
        leaseExpiresAt,
      });
    }
    // Quarantined rows no longer qualify, so another pass may fill the batch; otherwise we are done.
    if (!skipped) break;
  }
  return claims;
}

/** The in-flight recipient a completion names, with what its transition needs (the lease checked). */
export interface LeasedRecipient extends Omit<RecipientProgress, 'lastError'> {
  readonly seq: number;
  readonly leaseId: string | null;
}

/** Reads the recipient a completion names and passes it through the SDK's lease check (which throws). */
export function leasedRecipient(db: Database, path: string, completion: Completion): LeasedRecipient {
  const row = sql<[number, string], { seq: number; state: RecipientState; lease_id: string | null; next_attempt_at: number | null; provider: string | null; attempts: number; updated_at: number }>(
    db,
    `SELECT m.seq, r.state, r.lease_id, r.next_attempt_at, r.provider, r.attempts, r.updated_at
     FROM messages m JOIN recipients r ON r.message_seq = m.seq AND r.idx = ? WHERE m.id = ?`,
  ).get(completion.recipientIndex, completion.messageId);
  const found = row && { seq: row.seq, state: row.state, leaseId: row.lease_id, nextAttemptAt: row.next_attempt_at, provider: row.provider, attempts: row.attempts, updatedAt: row.updated_at };
  checkCompletionLease(`sqlite store ${path}`, completion, found);
  return found;
}
