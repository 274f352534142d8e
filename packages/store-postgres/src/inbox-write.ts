import { randomUUID } from 'node:crypto';
import { XportError, encodeEnvelopeRecord, type ReceiveRequest } from '@xport/provider-sdk';
import { attachPartsSql, attachPartsValues, discardParts, type PreparedParts } from './content-write.js';
import { queryPrepared, type Database } from './database.js';

export type InboxReceipt = Array<{ mailbox: string; id: string }>;

export async function findReceiptByKey(db: Database, key: string | undefined): Promise<InboxReceipt | undefined> {
  if (key === undefined) return undefined;
  const { rows } = await queryPrepared<{ mailbox: string; id: string }>(
    db,
    'find_receipt',
    `SELECT i.mailbox, i.id FROM ${db.s}.inbox_receipts r JOIN ${db.s}.inbox i ON i.receipt_id = r.id
     WHERE r.idempotency_key = $1 ORDER BY i.seq`,
    [key],
  );
  return rows.length > 0 ? rows.map((r) => ({ mailbox: r.mailbox, id: r.id })) : undefined;
}

function insertSql(db: Database): string {
  return `
    WITH receipt AS (
      INSERT INTO ${db.s}.inbox_receipts (id, idempotency_key, received_at) SELECT $1::text, $2::text, $3::bigint
      ON CONFLICT (idempotency_key) DO NOTHING
      RETURNING id
    ), received_events AS (
      -- Pending until a reader publishes them (event-log.ts).
      INSERT INTO ${db.s}.pending_events (type, at, message_id, provider, mailbox)
      SELECT 'received', $3::bigint, e.id, $9::text, e.mailbox
      FROM receipt, unnest($4::text[], $5::text[]) WITH ORDINALITY AS e(id, mailbox, ord)
      ORDER BY e.ord
    ), entries AS (
      INSERT INTO ${db.s}.inbox (id, receipt_id, mailbox, envelope, parts, size, received_at, received_by)
      SELECT e.id, receipt.id, e.mailbox, $6, $7, $8, $3, $9
      FROM receipt, unnest($4::text[], $5::text[]) WITH ORDINALITY AS e(id, mailbox, ord)
      ORDER BY e.ord
    ), ${attachPartsSql(db, 'receipt', '$1', '$3', 10)}
    SELECT id FROM receipt`;
}

/** Writes one inbox entry per mailbox in one statement; the entries share one copy of the content. */
export async function insertInboxEntries(db: Database, request: ReceiveRequest, parts: PreparedParts): Promise<InboxReceipt> {
  const receiptId = `inbox:${randomUUID()}`;
  const receipt = [...new Set(request.mailboxes)].map((mailbox) => ({ mailbox, id: randomUUID() }));
  const { rows } = await queryPrepared(db, 'receive', insertSql(db), [
    receiptId,
    request.idempotencyKey ?? null,
    request.receivedAt,
    receipt.map((e) => e.id),
    receipt.map((e) => e.mailbox),
    JSON.stringify(encodeEnvelopeRecord(request.envelope)),
    JSON.stringify(parts.infos),
    parts.infos.reduce((sum, p) => sum + p.size, 0),
    request.receivedBy ?? null,
    ...attachPartsValues(parts),
  ]);
  if (rows.length > 0) return receipt;
  await discardParts(db, parts.streamedIds);
  const earlier = await findReceiptByKey(db, request.idempotencyKey);
  if (earlier) return earlier;
  throw new Error(`postgres store: receive with idempotency key "${request.idempotencyKey}" wrote nothing and found no earlier entries`);
}

export async function setRead(db: Database, id: string, read: boolean): Promise<void> {
  const { rowCount } = await db.pool.query(`UPDATE ${db.s}.inbox SET read = $2 WHERE id = $1`, [id, read]);
  if (rowCount === 0) {
    throw new XportError('XPORT_STORE_NOT_FOUND', `${db.target.label}: inbox entry ${id} does not exist`, { details: { inboxEntryId: id } });
  }
}
