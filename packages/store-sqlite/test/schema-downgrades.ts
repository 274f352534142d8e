import { SQLITE_SCHEMA_VERSION } from '../src/schema.js';

// What a migration test runs to put a current database back in an older shape: each version's
// changes undone, newest first. `UNDO[v]` takes a database from version v back to v - 1; a new
// migration adds its undo here, and every migration test keeps working.
const UNDO: Readonly<Record<number, string>> = {
  11: 'ALTER TABLE recipients DROP COLUMN expires_while_held;',
  10: 'DROP TRIGGER recipient_counts_insert; DROP TRIGGER recipient_counts_delete; DROP TRIGGER recipient_counts_update; DROP TABLE recipient_counts;',
  9:
    'DROP INDEX messages_quarantined; DROP INDEX recipients_due; ' +
    'CREATE INDEX recipients_due ON recipients (due_at, message_seq, idx) WHERE due_at IS NOT NULL; ' +
    'ALTER TABLE recipients DROP COLUMN destination;',
  8:
    'DROP INDEX messages_by_envelope_id; DROP INDEX messages_by_header_message_id; DROP INDEX suppressions_by_last_bounce; ' +
    'ALTER TABLE messages DROP COLUMN envelope_id; ALTER TABLE messages DROP COLUMN header_message_id;',
  7: 'DROP TABLE events;',
  6: 'DROP INDEX recipients_by_domain; ALTER TABLE recipients DROP COLUMN address_type; ALTER TABLE recipients DROP COLUMN domain;',
  5: 'DROP TABLE suppressions;',
  4: 'ALTER TABLE messages DROP COLUMN idempotency_fingerprint;',
  3: 'ALTER TABLE parts DROP COLUMN data;',
  2: 'DROP INDEX messages_open_expiry; DROP INDEX recipients_unrouted;',
};

/** SQL that takes a current database back to schema `version` (its `user_version` included). */
export function downgradeTo(version: number): string {
  let sql = '';
  for (let v = SQLITE_SCHEMA_VERSION; v > version; v -= 1) {
    const undo = UNDO[v];
    if (undo === undefined) throw new Error(`no undo for sqlite schema version ${v}: add it to test/schema-downgrades.ts`);
    sql += `${undo} `;
  }
  return `${sql}PRAGMA user_version = ${version};`;
}
