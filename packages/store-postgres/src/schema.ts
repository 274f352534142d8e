import type pg from 'pg';
import { XportError, recipientDomain } from '@xport/provider-sdk';
import type { DatabaseTarget } from './connection.js';

/** The schema version this build writes and understands (kept in the `meta` table). */
export const POSTGRES_SCHEMA_VERSION = 10;

/** `MIGRATIONS[n]` takes a schema from version n to n + 1. `s` is the quoted schema name. Never edit a shipped one: append. */
const MIGRATIONS: ReadonlyArray<(s: string) => string> = [
  (s) => `
    CREATE TABLE ${s}.messages (
      seq BIGSERIAL PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      idempotency_key TEXT UNIQUE,
      envelope JSONB NOT NULL,
      parts JSONB NOT NULL,
      size BIGINT NOT NULL,
      submitted_at BIGINT NOT NULL,
      expires_at BIGINT NOT NULL,
      finished_at BIGINT,
      open_recipients INTEGER NOT NULL,
      quarantined BOOLEAN NOT NULL DEFAULT FALSE
    );
    CREATE INDEX messages_open ON ${s}.messages (seq) WHERE finished_at IS NULL;
    CREATE INDEX messages_sent ON ${s}.messages (finished_at, seq) WHERE finished_at IS NOT NULL;

    CREATE TABLE ${s}.recipients (
      message_seq BIGINT NOT NULL REFERENCES ${s}.messages (seq) ON DELETE CASCADE,
      idx INTEGER NOT NULL,
      recipient JSONB NOT NULL,
      role TEXT NOT NULL,
      provider TEXT,
      state TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at BIGINT,
      -- When it can next be claimed: next_attempt_at while waiting, the lease expiry while in flight, NULL when final.
      due_at BIGINT,
      last_error JSONB,
      updated_at BIGINT NOT NULL,
      lease_id TEXT,
      lease_owner TEXT,
      lease_expires_at BIGINT,
      PRIMARY KEY (message_seq, idx)
    );
    CREATE INDEX recipients_due ON ${s}.recipients (due_at, message_seq, idx) WHERE due_at IS NOT NULL AND provider IS NOT NULL;

    CREATE TABLE ${s}.parts (
      id TEXT PRIMARY KEY,
      -- A message id or an inbox receipt id; NULL while a streamed part is still being written.
      owner TEXT,
      created_at BIGINT NOT NULL
    );
    CREATE INDEX parts_by_owner ON ${s}.parts (owner);
    CREATE TABLE ${s}.part_chunks (
      part_id TEXT NOT NULL REFERENCES ${s}.parts (id) ON DELETE CASCADE,
      seq INTEGER NOT NULL,
      data BYTEA NOT NULL,
      PRIMARY KEY (part_id, seq)
    );

    CREATE TABLE ${s}.inbox_receipts (
      id TEXT PRIMARY KEY,
      idempotency_key TEXT UNIQUE,
      received_at BIGINT NOT NULL
    );
    CREATE TABLE ${s}.inbox (
      seq BIGSERIAL PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      receipt_id TEXT NOT NULL REFERENCES ${s}.inbox_receipts (id),
      mailbox TEXT NOT NULL,
      envelope JSONB NOT NULL,
      parts JSONB NOT NULL,
      size BIGINT NOT NULL,
      received_at BIGINT NOT NULL,
      received_by TEXT,
      read BOOLEAN NOT NULL DEFAULT FALSE,
      quarantined BOOLEAN NOT NULL DEFAULT FALSE
    );
    CREATE INDEX inbox_by_mailbox ON ${s}.inbox (mailbox, received_at DESC, seq DESC);
    CREATE INDEX inbox_by_receipt ON ${s}.inbox (receipt_id);

    CREATE TABLE ${s}.quarantine (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      reason TEXT NOT NULL,
      at BIGINT NOT NULL
    );
  `,
  // v2: the stranded-recipient sweep (every daemon, every pollMs) finds its candidates through two
  // partial indexes instead of walking every open message.
  (s) => `
    CREATE INDEX messages_open_expiry ON ${s}.messages (expires_at) WHERE finished_at IS NULL;
    CREATE INDEX recipients_unrouted ON ${s}.recipients (message_seq) WHERE provider IS NULL AND due_at IS NOT NULL;
  `,
  // v3: the content fingerprint kept with an idempotency key, so a repeated key with other content is
  // a conflict instead of a silent duplicate. NULL for messages kept before v3 (and for a key submitted
  // without a fingerprint): such a key still dedupes as before, whatever the content.
  (s) => `ALTER TABLE ${s}.messages ADD COLUMN idempotency_fingerprint TEXT;`,
  // v4: the suppression list, one row per address (its mailbox key): hard bounces counted, the last
  // one's code, and whether an operator added it. Listed most recently updated first.
  (s) => `
    CREATE TABLE ${s}.suppressions (
      address TEXT PRIMARY KEY,
      hard_bounces INTEGER NOT NULL,
      last_bounce_at BIGINT,
      last_code TEXT,
      last_diagnostic TEXT,
      manual BOOLEAN NOT NULL DEFAULT FALSE,
      reason TEXT,
      updated_at BIGINT NOT NULL
    );
    CREATE INDEX suppressions_by_update ON ${s}.suppressions (updated_at DESC, address);
  `,
  // v5: queue operations by filter. Each recipient keeps its address type and destination domain
  // (the SDK's recipientDomain: lower case, IDNs in ASCII) in columns of their own, so a filter by
  // domain reads an index. Rows written before are filled in here (IDNs and address literals by
  // BACKFILLS[4], which runs the SDK's rule).
  (s) => `
    ALTER TABLE ${s}.recipients ADD COLUMN address_type TEXT, ADD COLUMN domain TEXT;
    UPDATE ${s}.recipients SET address_type = lower(recipient->>'type'), domain = lower(NULLIF(substring(recipient->>'address' from '@([^@]*)$'), ''));
    CREATE INDEX recipients_by_domain ON ${s}.recipients (domain, message_seq, idx) WHERE domain IS NOT NULL;
  `,
  // v6: the delivery event log, appended by each write in its own statement or transaction (under the
  // append lock of event-log.ts, so ids become visible in order). `recipient` and `error` hold the
  // recipients table's records. No index on `at`: events are appended in time order, so the purge
  // walks the oldest ids (and each append maintains one index less).
  (s) => `
    CREATE TABLE ${s}.events (
      id BIGSERIAL PRIMARY KEY,
      type TEXT NOT NULL,
      at BIGINT NOT NULL,
      message_id TEXT NOT NULL,
      recipient_index INTEGER,
      recipient JSONB,
      provider TEXT,
      attempts INTEGER,
      error JSONB,
      next_attempt_at BIGINT,
      mailbox TEXT
    );
    CREATE INDEX events_by_message ON ${s}.events (message_id, id);
  `,
  // v7: the keys a bounce names its message by — ENVID and Message-ID, read from the JSONB envelope
  // (the SDK's sentMessageKeysOf) — in partial expression indexes, so existing rows need no rewrite;
  // a purge of the suppression list finds expired entries by their last bounce.
  (s) => `
    CREATE INDEX messages_by_envelope_id ON ${s}.messages ((envelope #>> '{dsn,envelopeId}'), seq) WHERE (envelope #>> '{dsn,envelopeId}') IS NOT NULL;
    CREATE INDEX messages_by_header_message_id ON ${s}.messages ((envelope ->> 'messageId'), seq) WHERE (envelope ->> 'messageId') IS NOT NULL;
    CREATE INDEX suppressions_by_last_bounce ON ${s}.suppressions (last_bounce_at) WHERE NOT manual;
  `,
  // v8: cost that does not grow with the queue. Each recipient keeps its destination (NULL for those
  // queued before v8: never skipped), so a claim leaves a held destination's recipients alone.
  // counts() reads a covering index by state (an index-only scan) instead of joining every recipient
  // to its message; quarantined messages, rare, are found through their own index and taken off.
  (s) => `
    ALTER TABLE ${s}.recipients ADD COLUMN destination TEXT;
    CREATE INDEX recipients_by_state ON ${s}.recipients (state, provider);
    CREATE INDEX messages_quarantined ON ${s}.messages (seq) WHERE quarantined;
  `,
  // v9: writers append their events to `pending_events` (in their own transaction, under no lock);
  // readers first move what has committed there into `events`, where it takes its id under the
  // publish lock (event-log.ts). Writers of all daemons no longer commit one at a time.
  (s) => `
    CREATE TABLE ${s}.pending_events (
      seq BIGSERIAL PRIMARY KEY,
      type TEXT NOT NULL,
      at BIGINT NOT NULL,
      message_id TEXT NOT NULL,
      recipient_index INTEGER,
      recipient JSONB,
      provider TEXT,
      attempts INTEGER,
      error JSONB,
      next_attempt_at BIGINT,
      mailbox TEXT
    );
  `,
  // v10: a hold may let its recipients expire (`xport queue hold --expire`). `expires_while_held` is
  // TRUE for a recipient held that way: the stranded sweep (the SDK's strandedCondition) expires it
  // once its message's lifetime passes. Read only while held; every operation writes it. FALSE for
  // every recipient stored before: they were held the only way there was, never to expire. (A
  // constant default: PostgreSQL adds the column without rewriting the table.)
  (s) => `ALTER TABLE ${s}.recipients ADD COLUMN expires_while_held BOOLEAN NOT NULL DEFAULT FALSE;`,
];

/** Work a migration needs beyond SQL, run after `MIGRATIONS[n]` in the same transaction. */
const BACKFILLS: Readonly<Record<number, (client: pg.PoolClient, s: string) => Promise<void>>> = {
  4: async (client, s) => {
    // SQL lower() is the rule for ASCII domains; the others take the SDK's (punycode, literals kept as written).
    const { rows } = await client.query<{ message_seq: string; idx: number; address: string }>(
      `SELECT message_seq, idx, recipient->>'address' AS address FROM ${s}.recipients WHERE domain ~ '[^\x01-\x7f]' OR domain LIKE '[%'`,
    );
    for (const row of rows) {
      await client.query(`UPDATE ${s}.recipients SET domain = $3 WHERE message_seq = $1 AND idx = $2`, [row.message_seq, row.idx, recipientDomain({ address: row.address })]);
    }
  },
};

/** Quotes a schema name that already matched SCHEMA_NAME_PATTERN. */
export function quoteSchema(schema: string): string {
  return `"${schema}"`;
}

async function readVersion(client: pg.PoolClient, s: string): Promise<number> {
  const { rows } = await client.query<{ value: string }>(`SELECT value FROM ${s}.meta WHERE key = 'schema_version'`);
  return rows[0] === undefined ? 0 : Number(rows[0].value);
}

function schemaNewer(target: DatabaseTarget, found: number): XportError {
  return new XportError(
    'XPORT_STORE_SCHEMA_NEWER',
    `${target.label}: schema version ${found} was written by a newer xport; this version supports up to ${POSTGRES_SCHEMA_VERSION}. Upgrade xport or use another schema.`,
    { details: { host: target.host, database: target.database, expected: `<= ${POSTGRES_SCHEMA_VERSION}`, found } },
  );
}

/**
 * Creates the schema and applies missing migrations in one transaction, under an advisory lock on
 * the schema name: daemons starting together take turns, and the later ones find nothing to do.
 */
export async function migrateSchema(client: pg.PoolClient, schema: string, target: DatabaseTarget): Promise<void> {
  const s = quoteSchema(schema);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`xport.store-postgres.schema:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    const found = await readVersion(client, s);
    if (found > POSTGRES_SCHEMA_VERSION) throw schemaNewer(target, found);
    for (let version = found; version < POSTGRES_SCHEMA_VERSION; version += 1) {
      await client.query(MIGRATIONS[version]!(s));
      await BACKFILLS[version]?.(client, s);
      await client.query(
        `INSERT INTO ${s}.meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
        [String(version + 1)],
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
