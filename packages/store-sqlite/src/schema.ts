import type { Database } from 'better-sqlite3';
import { XportError, recipientDomain } from '@xport/provider-sdk';

/** The schema version this build writes and understands (kept in `PRAGMA user_version`). */
export const SQLITE_SCHEMA_VERSION = 11;

/** `MIGRATIONS[n]` takes a database from version n to n + 1. Never edit a shipped one: append. */
const MIGRATIONS: ReadonlyArray<(db: Database) => void> = [
  (db) =>
    db.exec(`
      CREATE TABLE messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        idempotency_key TEXT UNIQUE,
        envelope TEXT NOT NULL,
        parts TEXT NOT NULL,
        size INTEGER NOT NULL,
        submitted_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        finished_at INTEGER,
        open_recipients INTEGER NOT NULL,
        quarantined INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX messages_open ON messages (seq) WHERE finished_at IS NULL;
      CREATE INDEX messages_sent ON messages (finished_at, seq) WHERE finished_at IS NOT NULL;

      CREATE TABLE recipients (
        message_seq INTEGER NOT NULL,
        idx INTEGER NOT NULL,
        recipient TEXT NOT NULL,
        role TEXT NOT NULL,
        provider TEXT,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER,
        due_at INTEGER,
        last_error TEXT,
        updated_at INTEGER NOT NULL,
        lease_id TEXT,
        lease_owner TEXT,
        lease_expires_at INTEGER,
        PRIMARY KEY (message_seq, idx)
      ) WITHOUT ROWID;
      CREATE INDEX recipients_due ON recipients (due_at, message_seq, idx) WHERE due_at IS NOT NULL;

      CREATE TABLE parts (
        id TEXT PRIMARY KEY,
        owner TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX parts_by_owner ON parts (owner);
      CREATE TABLE part_chunks (
        part_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (part_id, seq)
      );

      CREATE TABLE inbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        mailbox TEXT NOT NULL,
        envelope TEXT NOT NULL,
        parts TEXT NOT NULL,
        size INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        received_by TEXT,
        read INTEGER NOT NULL DEFAULT 0,
        idempotency_key TEXT,
        quarantined INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX inbox_by_mailbox ON inbox (mailbox, received_at, seq);
      CREATE INDEX inbox_by_key ON inbox (idempotency_key) WHERE idempotency_key IS NOT NULL;

      CREATE TABLE quarantine (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        reason TEXT NOT NULL,
        at INTEGER NOT NULL
      );
    `),
  // v2: the stranded-recipient sweep finds its candidates through indexes instead of scanning
  // every open message (90 ms a sweep with 100,000 queued, inside the write transaction).
  (db) =>
    db.exec(`
      CREATE INDEX messages_open_expiry ON messages (expires_at) WHERE finished_at IS NULL;
      CREATE INDEX recipients_unrouted ON recipients (message_seq) WHERE provider IS NULL AND due_at IS NOT NULL;
    `),
  // v3: a part that fits in one chunk keeps its bytes in its own row (`data`), so a small message's
  // text is one row written and one read instead of a parts row plus a part_chunks row. NULL means
  // the bytes are in part_chunks (every part written before v3, and parts larger than a chunk).
  (db) => db.exec('ALTER TABLE parts ADD COLUMN data BLOB;'),
  // v4: the content fingerprint kept with an idempotency key, so a repeated key with other content is
  // a conflict instead of a silent duplicate. NULL for every message kept before v4 (and for a key
  // submitted without a fingerprint): such a key still dedupes as before, whatever the content.
  (db) => db.exec('ALTER TABLE messages ADD COLUMN idempotency_fingerprint TEXT;'),
  // v5: the suppression list, one row per address (its mailbox key): hard bounces counted, the last
  // one's code, and whether an operator added it. Listed most recently updated first.
  (db) =>
    db.exec(`
      CREATE TABLE suppressions (
        address TEXT PRIMARY KEY,
        hard_bounces INTEGER NOT NULL,
        last_bounce_at INTEGER,
        last_code TEXT,
        last_diagnostic TEXT,
        manual INTEGER NOT NULL DEFAULT 0,
        reason TEXT,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX suppressions_by_update ON suppressions (updated_at DESC, address);
    `),
  // v6: queue operations by filter. Each recipient keeps its address type and destination domain
  // (the SDK's recipientDomain: lower case, IDNs in ASCII) in columns of their own, so a filter by
  // domain reads an index instead of every recipient's JSON. Rows written before are filled in here.
  (db) => {
    db.function('xport_recipient_domain', { deterministic: true }, (address: unknown) => (typeof address === 'string' ? recipientDomain({ address }) : null));
    db.exec(`
      ALTER TABLE recipients ADD COLUMN address_type TEXT;
      ALTER TABLE recipients ADD COLUMN domain TEXT;
      UPDATE recipients SET address_type = lower(json_extract(recipient, '$.type')), domain = xport_recipient_domain(json_extract(recipient, '$.address'))
        WHERE json_valid(recipient);
      CREATE INDEX recipients_by_domain ON recipients (domain, message_seq, idx) WHERE domain IS NOT NULL;
    `);
  },
  // v7: the delivery event log, appended by each write in its own transaction. One writer at a time
  // (BEGIN IMMEDIATE) means ids commit in order; AUTOINCREMENT keeps them from ever being reused,
  // even after the newest is purged. `recipient` and `error` hold the recipients table's records.
  // No index on `at`: events are appended in time order, so the purge walks the oldest ids (and
  // each append maintains one index less).
  (db) =>
    db.exec(`
      CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        type TEXT NOT NULL,
        at INTEGER NOT NULL,
        message_id TEXT NOT NULL,
        recipient_index INTEGER,
        recipient TEXT,
        provider TEXT,
        attempts INTEGER,
        error TEXT,
        next_attempt_at INTEGER,
        mailbox TEXT
      );
      CREATE INDEX events_by_message ON events (message_id, id);
    `),
  // v8: the keys a bounce names its message by (ENVID and Message-ID), each in an indexed column,
  // filled from the stored envelopes (an envelope that is not valid JSON, a quarantined record,
  // gets none); a purge of the suppression list finds expired entries by their last bounce.
  (db) =>
    db.exec(`
      ALTER TABLE messages ADD COLUMN envelope_id TEXT;
      ALTER TABLE messages ADD COLUMN header_message_id TEXT;
      UPDATE messages SET
        envelope_id = CASE WHEN json_valid(envelope) AND json_type(envelope, '$.dsn.envelopeId') = 'text' THEN json_extract(envelope, '$.dsn.envelopeId') END,
        header_message_id = CASE WHEN json_valid(envelope) AND json_type(envelope, '$.messageId') = 'text' THEN json_extract(envelope, '$.messageId') END;
      CREATE INDEX messages_by_envelope_id ON messages (envelope_id, seq) WHERE envelope_id IS NOT NULL;
      CREATE INDEX messages_by_header_message_id ON messages (header_message_id, seq) WHERE header_message_id IS NOT NULL;
      CREATE INDEX suppressions_by_last_bounce ON suppressions (last_bounce_at) WHERE manual = 0;
    `),
  // v9: cost that does not grow with the queue. Each recipient keeps its destination (NULL for those
  // queued before v9: never skipped), and the claim index carries provider and destination, so a
  // claim steps over a held destination's due recipients in the index without reading their rows.
  // counts() no longer joins every recipient to its message (0.8 s at a million): quarantined
  // messages, rare, are found through their own index and their recipients taken off. (An index by
  // state for counts() was tried: it made a daemon on a full 2 MiB disk stop recovering, see the
  // disk fault scenario, for ~20 % off a warm count.)
  (db) =>
    db.exec(`
      ALTER TABLE recipients ADD COLUMN destination TEXT;
      DROP INDEX recipients_due;
      CREATE INDEX recipients_due ON recipients (due_at, message_seq, idx, provider, destination) WHERE due_at IS NOT NULL;
      CREATE INDEX messages_quarantined ON messages (seq) WHERE quarantined = 1;
    `),
  // v10: counts() in constant time. \`recipient_counts\` holds the number of recipients per state and
  // provider ('' for none), kept by triggers on every insert, delete and change of state or provider,
  // so counts() reads a handful of rows instead of grouping every recipient (1.2 s and more at a
  // million, most of it sorting them). One small row changes per recipient write; the table never
  // grows past the (state, provider) pairs seen. Filled here from the recipients already stored.
  (db) =>
    db.exec(`
      CREATE TABLE recipient_counts (
        state TEXT NOT NULL,
        provider TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (state, provider)
      ) WITHOUT ROWID;
      INSERT INTO recipient_counts (state, provider, n)
        SELECT state, coalesce(provider, ''), count(*) FROM recipients GROUP BY state, coalesce(provider, '');
      CREATE TRIGGER recipient_counts_insert AFTER INSERT ON recipients BEGIN
        INSERT INTO recipient_counts (state, provider, n) VALUES (new.state, coalesce(new.provider, ''), 1)
          ON CONFLICT (state, provider) DO UPDATE SET n = n + 1;
      END;
      CREATE TRIGGER recipient_counts_delete AFTER DELETE ON recipients BEGIN
        UPDATE recipient_counts SET n = n - 1 WHERE state = old.state AND provider = coalesce(old.provider, '');
      END;
      CREATE TRIGGER recipient_counts_update AFTER UPDATE OF state, provider ON recipients
        WHEN old.state IS NOT new.state OR old.provider IS NOT new.provider BEGIN
        UPDATE recipient_counts SET n = n - 1 WHERE state = old.state AND provider = coalesce(old.provider, '');
        INSERT INTO recipient_counts (state, provider, n) VALUES (new.state, coalesce(new.provider, ''), 1)
          ON CONFLICT (state, provider) DO UPDATE SET n = n + 1;
      END;
    `),
  // v11: a hold may let its recipients expire (`xport queue hold --expire`). `expires_while_held` is
  // 1 for a recipient held that way: the stranded sweep (the SDK's strandedCondition) expires it once
  // its message's lifetime passes. Read only while held; every operation writes it. 0 for every
  // recipient stored before: they were held the only way there was, never to expire.
  (db) => db.exec('ALTER TABLE recipients ADD COLUMN expires_while_held INTEGER NOT NULL DEFAULT 0;'),
];

export function readSchemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Refuses a database written by a newer schema before anything is written to it. */
export function assertSchemaNotNewer(db: Database, path: string): void {
  const found = readSchemaVersion(db);
  if (found > SQLITE_SCHEMA_VERSION) {
    throw new XportError(
      'XPORT_STORE_SCHEMA_NEWER',
      `sqlite store ${path}: schema version ${found} was written by a newer xport; this version supports up to ${SQLITE_SCHEMA_VERSION}. Upgrade xport or use another store path.`,
      { details: { path, expected: `<= ${SQLITE_SCHEMA_VERSION}`, found } },
    );
  }
}

/** Applies the missing migrations in one immediate transaction (another process may be migrating too). */
export function migrateSchema(db: Database, path: string): void {
  if (readSchemaVersion(db) === SQLITE_SCHEMA_VERSION) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    assertSchemaNotNewer(db, path);
    for (let version = readSchemaVersion(db); version < SQLITE_SCHEMA_VERSION; version += 1) {
      MIGRATIONS[version]!(db);
      db.pragma(`user_version = ${version + 1}`);
    }
    db.exec('COMMIT');
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
