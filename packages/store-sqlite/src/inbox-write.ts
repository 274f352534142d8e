import type { Database } from 'better-sqlite3';
import { XportError, encodeEnvelopeRecord, type ReceiveRequest } from '@xport/provider-sdk';
import { attachPart, deletePartRows, type PreparedPart } from './content-writer.js';
import { sql } from './statements.js';
import { newRecordId } from './record-ids.js';
import { appendReceivedEvents } from './event-log.js';

export type InboxReceipt = Array<{ mailbox: string; id: string }>;

export function findReceiptByKey(db: Database, key: string | undefined): InboxReceipt | undefined {
  if (key === undefined) return undefined;
  const rows = sql<[string], { mailbox: string; id: string }>(db, 'SELECT mailbox, id FROM inbox WHERE idempotency_key = ? ORDER BY seq').all(key);
  return rows.length > 0 ? rows.map((r) => ({ mailbox: r.mailbox, id: r.id })) : undefined;
}

/** Writes one inbox entry per mailbox in the caller's transaction; the entries share the content. */
export function insertInboxEntries(db: Database, request: ReceiveRequest, parts: readonly PreparedPart[]): InboxReceipt {
  const earlier = findReceiptByKey(db, request.idempotencyKey);
  if (earlier) {
    deletePartRows(db, parts.filter((p) => !p.inline).map((p) => p.info.partId));
    return earlier;
  }
  const owner = `inbox:${newRecordId()}`;
  for (const part of parts) attachPart(db, part, owner, request.receivedAt);
  const infos = parts.map((p) => p.info);
  const envelope = JSON.stringify(encodeEnvelopeRecord(request.envelope));
  const partsJson = JSON.stringify(infos);
  const size = infos.reduce((sum, p) => sum + p.size, 0);
  const insert = sql(
    db,
    `INSERT INTO inbox (id, mailbox, envelope, parts, size, received_at, received_by, idempotency_key)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const entries = [...new Set(request.mailboxes)].map((mailbox) => {
    const id = newRecordId();
    insert.run(id, mailbox, envelope, partsJson, size, request.receivedAt, request.receivedBy ?? null, request.idempotencyKey ?? null);
    return { mailbox, id };
  });
  appendReceivedEvents(db, entries, request.receivedAt, request.receivedBy);
  return entries;
}

export function setRead(db: Database, path: string, id: string, read: boolean): void {
  const { changes } = sql(db, 'UPDATE inbox SET read = ? WHERE id = ?').run(read ? 1 : 0, id);
  if (changes === 0) throw new XportError('XPORT_STORE_NOT_FOUND', `sqlite store ${path}: inbox entry ${id} does not exist`, { details: { path, inboxEntryId: id } });
}
