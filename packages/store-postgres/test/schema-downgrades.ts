import { POSTGRES_SCHEMA_VERSION } from '../src/schema.js';

// What a migration test runs to put a current schema back in an older shape: each version's changes
// undone, newest first. `UNDO[v]` takes a schema from version v back to v - 1 (`s` is the quoted
// schema name); a new migration adds its undo here, and every migration test keeps working.
const UNDO: Readonly<Record<number, (s: string) => string>> = {
  10: (s) => `ALTER TABLE ${s}.recipients DROP COLUMN expires_while_held;`,
  9: (s) =>
    `INSERT INTO ${s}.events (type, at, message_id, recipient_index, recipient, provider, attempts, error, next_attempt_at, mailbox)
     SELECT type, at, message_id, recipient_index, recipient, provider, attempts, error, next_attempt_at, mailbox FROM ${s}.pending_events ORDER BY seq;
     DROP TABLE ${s}.pending_events;`,
  8: (s) => `DROP INDEX ${s}.recipients_by_state; DROP INDEX ${s}.messages_quarantined; ALTER TABLE ${s}.recipients DROP COLUMN destination;`,
  7: (s) => `DROP INDEX ${s}.messages_by_envelope_id; DROP INDEX ${s}.messages_by_header_message_id; DROP INDEX ${s}.suppressions_by_last_bounce;`,
  6: (s) => `DROP TABLE ${s}.events;`,
  5: (s) => `DROP INDEX ${s}.recipients_by_domain; ALTER TABLE ${s}.recipients DROP COLUMN address_type, DROP COLUMN domain;`,
  4: (s) => `DROP TABLE ${s}.suppressions;`,
  3: (s) => `ALTER TABLE ${s}.messages DROP COLUMN idempotency_fingerprint;`,
  2: (s) => `DROP INDEX ${s}.messages_open_expiry; DROP INDEX ${s}.recipients_unrouted;`,
};

/** SQL that takes a current schema back to `version` (its recorded schema_version included). */
export function downgradeTo(schema: string, version: number): string {
  const s = `"${schema}"`;
  let sql = '';
  for (let v = POSTGRES_SCHEMA_VERSION; v > version; v -= 1) {
    const undo = UNDO[v];
    if (undo === undefined) throw new Error(`no undo for postgres schema version ${v}: add it to test/schema-downgrades.ts`);
    sql += `${undo(s)} `;
  }
  return `${sql}UPDATE ${s}.meta SET value = '${version}' WHERE key = 'schema_version'`;
}
