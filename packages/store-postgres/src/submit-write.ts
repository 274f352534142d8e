import { randomUUID } from 'node:crypto';
import type { SubmitRequest, SubmitResult } from '@xport/provider-sdk';
import { attachPartsSql, attachPartsValues, discardParts, type PreparedParts } from './content-write.js';
import type { Database } from './database.js';

export async function findMessageByKey(db: Database, key: string | undefined): Promise<string | undefined> {
  if (key === undefined) return undefined;
  const { rows } = await db.pool.query<{ id: string }>(`SELECT id FROM ${db.s}.messages WHERE idempotency_key = $1`, [key]);
  return rows[0]?.id;
}

function insertSql(db: Database): string {
  return `
    WITH msg AS (
      INSERT INTO ${db.s}.messages (id, idempotency_key, envelope, parts, size, submitted_at, expires_at, finished_at, open_recipients)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
      ON CONFLICT (idempotency_key) DO NOTHING
      RETURNING seq
    ), rcpt AS (
      INSERT INTO ${db.s}.recipients (message_seq, idx, recipient, role, provider, state, next_attempt_at, due_at, last_error, updated_at)
      SELECT msg.seq, (e.ord - 1)::int, e.value->'recipient', e.value->>'role', e.value->>'provider', e.value->>'state',
        (e.value->>'nextAttemptAt')::bigint, (e.value->>'dueAt')::bigint, e.value->'lastError', $6
      FROM msg, jsonb_array_elements($10::jsonb) WITH ORDINALITY AS e(value, ord)
    ), ${attachPartsSql(db, 'msg', '$1', '$6', 12)}
    SELECT msg.seq FROM msg, pg_notify($11, '')`;
}

/**
 * Writes a message, its recipients and its in-memory content in one statement (one round trip, one
 * commit) and notifies the work channel in the same transaction. The same idempotency key twice,
 * even concurrently, yields one message: the unique index makes the second insert wait, then do nothing.
 */
export async function insertMessage(db: Database, request: SubmitRequest, parts: PreparedParts): Promise<SubmitResult> {
  const messageId = randomUUID();
  const now = request.submittedAt;
  const recipients = request.recipients.map((r) => {
    const state = r.state ?? 'queued';
    return {
      recipient: r.recipient,
      role: r.role,
      provider: r.provider,
      state,
      nextAttemptAt: state === 'queued' ? now : null,
      dueAt: state === 'queued' ? now : null,
      lastError: r.lastError ?? null,
    };
  });
  const open = recipients.filter((r) => r.state === 'queued').length;
  const { rows } = await db.pool.query<{ seq: number }>(insertSql(db), [
    messageId,
    request.idempotencyKey ?? null,
    JSON.stringify(request.envelope),
    JSON.stringify(parts.infos),
    parts.infos.reduce((sum, p) => sum + p.size, 0),
    now,
    request.expiresAt,
    open === 0 ? now : null,
    open,
    JSON.stringify(recipients),
    db.channel,
    ...attachPartsValues(parts),
  ]);
  if (rows.length > 0) return { messageId, duplicate: false };
  // The key was taken by another submit (possibly from another daemon) while our content streamed in.
  await discardParts(db, parts.streamedIds);
  const earlier = await findMessageByKey(db, request.idempotencyKey);
  if (earlier === undefined) throw new Error(`postgres store: submit with idempotency key "${request.idempotencyKey}" wrote nothing and found no earlier message`);
  return { messageId: earlier, duplicate: true };
}
