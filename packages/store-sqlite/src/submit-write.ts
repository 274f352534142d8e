import type { Database } from 'better-sqlite3';
import { encodeEnvelopeRecord, fingerprintToKeep, recipientDestination, recipientDomain, resolveRepeatedKey, sentMessageKeysOf, type SubmitRequest, type SubmitResult } from '@xport/provider-sdk';
import { attachPart, deletePartRows, type PreparedPart } from './content-writer.js';
import { sql } from './statements.js';
import { appendSubmitEvents } from './event-log.js';

/** The message an idempotency key names, with the content fingerprint kept with it (null before schema v4). */
export interface KeyedMessage {
  readonly messageId: string;
  readonly fingerprint: string | null;
}

export function findMessageByKey(db: Database, key: string | undefined): KeyedMessage | undefined {
  if (key === undefined) return undefined;
  return sql<[string], KeyedMessage>(db, 'SELECT id AS messageId, idempotency_fingerprint AS fingerprint FROM messages WHERE idempotency_key = ?').get(key);
}

/**
 * Writes a message, its recipients and its content in the caller's transaction — or, when its key
 * was taken meanwhile, drops the streamed content and answers as the earlier message does (a
 * duplicate, or `XPORT_IDEMPOTENCY_CONFLICT`, which rolls the drop back with the job: the caller discards).
 */
export function insertMessage(db: Database, path: string, messageId: string, request: SubmitRequest, parts: readonly PreparedPart[]): SubmitResult {
  const earlier = findMessageByKey(db, request.idempotencyKey);
  if (earlier !== undefined) {
    deletePartRows(db, parts.filter((p) => !p.inline).map((p) => p.info.partId));
    return resolveRepeatedKey(request, earlier, `sqlite store ${path}`);
  }
  const now = request.submittedAt;
  for (const part of parts) attachPart(db, part, messageId, now);
  const open = request.recipients.filter((r) => (r.state ?? 'queued') === 'queued').length;
  const infos = parts.map((p) => p.info);
  const keys = sentMessageKeysOf(request.envelope);
  const { lastInsertRowid } = sql(
    db,
    `INSERT INTO messages (id, idempotency_key, idempotency_fingerprint, envelope, parts, size, submitted_at, expires_at, finished_at, open_recipients, envelope_id, header_message_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    messageId,
    request.idempotencyKey ?? null,
    fingerprintToKeep(request),
    JSON.stringify(encodeEnvelopeRecord(request.envelope)),
    JSON.stringify(infos),
    infos.reduce((sum, p) => sum + p.size, 0),
    now,
    request.expiresAt,
    open === 0 ? now : null,
    open,
    keys.envelopeId,
    keys.messageId,
  );
  const insertRecipient = sql(
    db,
    `INSERT INTO recipients (message_seq, idx, recipient, role, provider, state, attempts, next_attempt_at, due_at, last_error, updated_at, address_type, domain, destination)
     VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?)`,
  );
  request.recipients.forEach((r, index) => {
    const queued = (r.state ?? 'queued') === 'queued';
    insertRecipient.run(
      lastInsertRowid,
      index,
      JSON.stringify(r.recipient),
      r.role,
      r.provider,
      queued ? 'queued' : 'failed',
      queued ? now : null,
      queued ? now : null,
      r.lastError === undefined ? null : JSON.stringify(r.lastError),
      now,
      r.recipient.type.toLowerCase(),
      recipientDomain(r.recipient),
      recipientDestination(r),
    );
  });
  appendSubmitEvents(db, messageId, request);
  return { messageId, duplicate: false };
}
