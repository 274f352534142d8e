import type { Database } from 'better-sqlite3';
import type { QuarantinedRecord } from '@xport/provider-sdk';
import { sql } from './statements.js';

/** Sets an undecodable message aside: listed by `quarantined()`, never claimed, left out of lists and counts. */
export function quarantineMessage(db: Database, messageId: string, reason: string, at: number): void {
  sql(db, "INSERT OR REPLACE INTO quarantine (id, kind, reason, at) VALUES (?, 'message', ?, ?)").run(messageId, reason, at);
  const seq = sql<[string], { seq: number }>(db, 'SELECT seq FROM messages WHERE id = ?').get(messageId)?.seq;
  if (seq === undefined) return;
  sql(db, 'UPDATE messages SET quarantined = 1 WHERE seq = ?').run(seq);
  sql(db, 'UPDATE recipients SET due_at = NULL WHERE message_seq = ?').run(seq);
}

export function quarantineInboxEntry(db: Database, entryId: string, reason: string, at: number): void {
  sql(db, "INSERT OR REPLACE INTO quarantine (id, kind, reason, at) VALUES (?, 'inbox', ?, ?)").run(entryId, reason, at);
  sql(db, 'UPDATE inbox SET quarantined = 1 WHERE id = ?').run(entryId);
}

export function listQuarantined(db: Database): QuarantinedRecord[] {
  return sql<[], QuarantinedRecord>(db, 'SELECT id, reason, at FROM quarantine ORDER BY at, id').all();
}
