import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Claim, ClaimRequest, RecipientRole, StrandedClaim, StrandedClaimRequest } from '@xport/provider-sdk';
import { UndecodableRecord, decodeEnvelope, decodeParts, decodeRecipient } from './records.js';
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
  WHERE r.due_at IS NOT NULL AND r.due_at <= ? AND r.provider IS NOT NULL`;
const ORDER = ' ORDER BY r.due_at, r.message_seq, r.idx LIMIT ?';

function selectDue(db: Database, request: ClaimRequest, limit: number): DueRow[] {
  if (request.providers === undefined) return sql<[number, number], DueRow>(db, SELECT_DUE + ORDER).all(request.now, limit);
  return sql<[number, string, number], DueRow>(db, `${SELECT_DUE} AND r.provider IN (SELECT value FROM json_each(?))${ORDER}`).all(
    request.now,
    JSON.stringify(request.providers),
    limit,
  );
}

// Waiting (or under an expired lease), and either without a provider or past the message's lifetime.
// The candidate messages come from two partial indexes (unrouted recipients; open messages by expiry).
const SELECT_STRANDED = `SELECT r.message_seq, r.idx, m.id, r.recipient, r.role, r.provider, r.attempts, m.envelope, m.parts
  FROM messages m JOIN recipients r ON r.message_seq = m.seq
  WHERE m.seq IN (
    SELECT message_seq FROM recipients INDEXED BY recipients_unrouted WHERE provider IS NULL AND due_at IS NOT NULL
    UNION ALL SELECT seq FROM messages INDEXED BY messages_open_expiry WHERE finished_at IS NULL AND expires_at <= @now)
  AND m.finished_at IS NULL AND m.quarantined = 0 AND r.due_at IS NOT NULL AND (r.state <> 'in-flight' OR r.due_at <= @now)
  AND (r.provider IS NULL OR m.expires_at <= @now)`;
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
  const leaseExpiresAt = request.now + request.leaseMs;
  while (claims.length < request.limit) {
    const rows = select(request.limit - claims.length);
    let skipped = false;
    for (const row of rows) {
      if (bad.has(row.message_seq)) continue;
      let recipient;
      try {
        recipient = decodeRecipient(row.recipient);
        if (!checked.has(row.message_seq)) {
          decodeEnvelope(row.envelope);
          decodeParts(row.parts);
          checked.add(row.message_seq);
        }
      } catch (error) {
        if (!(error instanceof UndecodableRecord)) throw error;
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
        role: row.role as RecipientRole,
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
