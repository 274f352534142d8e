import { randomUUID } from 'node:crypto';
import { encodeEnvelopeRecord, fingerprintToKeep, recipientDestination, recipientDomain, resolveRepeatedKey, type SubmitRequest, type SubmitResult } from '@xport/provider-sdk';
import { discardParts, type PreparedParts } from './content-write.js';
import { queryPrepared, type Database } from './database.js';
import type { JobOutcome } from './group-commit.js';
import { submitEventRows } from './event-log.js';

/** The message an idempotency key names, with the content fingerprint kept with it (null before schema v3). */
export interface KeyedMessage {
  readonly messageId: string;
  readonly fingerprint: string | null;
}

export async function findMessageByKey(db: Database, key: string | undefined): Promise<KeyedMessage | undefined> {
  if (key === undefined) return undefined;
  const { rows } = await queryPrepared<{ id: string; fingerprint: string | null }>(
    db,
    'find_message_key',
    `SELECT id, idempotency_fingerprint AS fingerprint FROM ${db.s}.messages WHERE idempotency_key = $1`,
    [key],
  );
  const row = rows[0];
  return row === undefined ? undefined : { messageId: row.id, fingerprint: row.fingerprint };
}

/** A submit whose content is prepared (inline bytes in hand, streamed parts already written, unowned). */
export interface PreparedSubmit {
  readonly request: SubmitRequest;
  readonly parts: PreparedParts;
}

function insertBatchSql(db: Database): string {
  return `
    WITH input AS (
      SELECT i.* FROM jsonb_to_recordset($1::jsonb) AS i(ord int, id text, idempotency_key text, idempotency_fingerprint text, envelope jsonb, parts jsonb,
        size bigint, submitted_at bigint, expires_at bigint, finished_at bigint, open_recipients int, recipients jsonb, events jsonb)
    ), msg AS (
      INSERT INTO ${db.s}.messages (id, idempotency_key, idempotency_fingerprint, envelope, parts, size, submitted_at, expires_at, finished_at, open_recipients)
      SELECT id, idempotency_key, idempotency_fingerprint, envelope, parts, size, submitted_at, expires_at, finished_at, open_recipients FROM input ORDER BY ord
      ON CONFLICT (idempotency_key) DO NOTHING
      RETURNING seq, id
    ), rcpt AS (
      INSERT INTO ${db.s}.recipients (message_seq, idx, recipient, role, provider, state, next_attempt_at, due_at, last_error, updated_at, address_type, domain, destination)
      SELECT msg.seq, (e.ord - 1)::int, e.value->'recipient', e.value->>'role', e.value->>'provider', e.value->>'state',
        (e.value->>'nextAttemptAt')::bigint, (e.value->>'dueAt')::bigint, e.value->'lastError', i.submitted_at, e.value->>'addressType', e.value->>'domain', e.value->>'destination'
      FROM msg JOIN input i ON i.id = msg.id, jsonb_array_elements(i.recipients) WITH ORDINALITY AS e(value, ord)
    ), inline_parts AS (
      INSERT INTO ${db.s}.parts (id, owner, created_at)
      SELECT p.part_id, msg.id, i.submitted_at FROM unnest($2::text[], $3::text[]) AS p(part_id, owner) JOIN msg ON msg.id = p.owner JOIN input i ON i.id = msg.id
    ), inline_chunks AS (
      INSERT INTO ${db.s}.part_chunks (part_id, seq, data)
      SELECT c.part_id, c.seq, c.data FROM unnest($4::text[], $5::int[], $6::bytea[], $7::text[]) AS c(part_id, seq, data, owner) JOIN msg ON msg.id = c.owner
    ), streamed_parts AS (
      UPDATE ${db.s}.parts p SET owner = s.owner FROM unnest($8::text[], $9::text[]) AS s(part_id, owner) JOIN msg ON msg.id = s.owner WHERE p.id = s.part_id
    ), submit_events AS (
      -- Pending until a reader publishes them (event-log.ts).
      INSERT INTO ${db.s}.pending_events (type, at, message_id, recipient_index, recipient, provider, attempts, error)
      SELECT e.type, e.at, msg.id, e.recipient_index, e.recipient, e.provider, e.attempts, e.error
      FROM msg JOIN input i ON i.id = msg.id,
        jsonb_to_recordset(i.events) AS e(n int, type text, at bigint, recipient_index int, recipient jsonb, provider text, attempts int, error jsonb)
      ORDER BY i.ord, e.n
    )
    SELECT msg.id FROM msg, pg_notify($10, '')`;
}

function toInputRow(prepared: PreparedSubmit, id: string, ord: number): Record<string, unknown> {
  const { request, parts } = prepared;
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
      addressType: r.recipient.type.toLowerCase(),
      domain: recipientDomain(r.recipient),
      destination: recipientDestination(r),
    };
  });
  const open = recipients.filter((r) => r.state === 'queued').length;
  return {
    ord,
    id,
    idempotency_key: request.idempotencyKey ?? null,
    idempotency_fingerprint: fingerprintToKeep(request),
    envelope: encodeEnvelopeRecord(request.envelope),
    parts: parts.infos,
    size: parts.infos.reduce((sum, p) => sum + p.size, 0),
    submitted_at: now,
    expires_at: request.expiresAt,
    finished_at: open === 0 ? now : null,
    open_recipients: open,
    recipients,
    events: submitEventRows(id, request),
  };
}

/** Parallel arrays of every prepared part of the batch, each tagged with the message id that owns it. */
function partArrays(batch: readonly PreparedSubmit[], ids: readonly string[]): unknown[] {
  const inlineIds: string[] = [];
  const inlineOwners: string[] = [];
  const chunkPartIds: string[] = [];
  const chunkSeqs: number[] = [];
  const chunks: Buffer[] = [];
  const chunkOwners: string[] = [];
  const streamedIds: string[] = [];
  const streamedOwners: string[] = [];
  batch.forEach(({ parts }, i) => {
    const owner = ids[i]!;
    for (const id of parts.inlineIds) {
      inlineIds.push(id);
      inlineOwners.push(owner);
    }
    parts.chunkPartIds.forEach((id, c) => {
      chunkPartIds.push(id);
      chunkSeqs.push(parts.chunkSeqs[c]!);
      chunks.push(parts.chunks[c]!);
      chunkOwners.push(owner);
    });
    for (const id of parts.streamedIds) {
      streamedIds.push(id);
      streamedOwners.push(owner);
    }
  });
  return [inlineIds, inlineOwners, chunkPartIds, chunkSeqs, chunks, chunkOwners, streamedIds, streamedOwners];
}

/**
 * Writes a batch of messages, their recipients and their in-memory content in one statement (one
 * round trip, one commit) and notifies the work channel in the same transaction. The same
 * idempotency key twice, even concurrently from another daemon, yields one message: the unique index
 * makes the second insert wait, then do nothing, and that submit resolves as a duplicate.
 */
export async function insertMessages(db: Database, batch: readonly PreparedSubmit[]): Promise<Array<JobOutcome<SubmitResult>>> {
  const ids = batch.map(() => randomUUID());
  const input = JSON.stringify(batch.map((prepared, ord) => toInputRow(prepared, ids[ord]!, ord)));
  const { rows } = await queryPrepared<{ id: string }>(db, 'submit', insertBatchSql(db), [input, ...partArrays(batch, ids), db.channel]);
  const written = new Set(rows.map((r) => r.id));
  const outcomes: Array<JobOutcome<SubmitResult>> = [];
  for (const [i, { request, parts }] of batch.entries()) {
    if (written.has(ids[i]!)) {
      outcomes.push({ ok: true, value: { messageId: ids[i]!, duplicate: false } });
      continue;
    }
    try {
      // The key was taken by another submit (possibly from another daemon) while our content streamed in.
      await discardParts(db, parts.streamedIds);
      const earlier = await findMessageByKey(db, request.idempotencyKey);
      if (earlier === undefined) throw new Error(`postgres store: submit with idempotency key "${request.idempotencyKey}" wrote nothing and found no earlier message`);
      outcomes.push({ ok: true, value: resolveRepeatedKey(request, earlier, db.target.label) });
    } catch (error) {
      outcomes.push({ ok: false, error });
    }
  }
  return outcomes;
}
