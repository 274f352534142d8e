import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import { XportError } from '@xport/provider-sdk';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import { SQLITE_SCHEMA_VERSION, createSqliteStore } from '../src/index.js';
import { makeTempDir } from './temp-store.js';
import { downgradeTo } from './schema-downgrades.js';

function rawVersion(path: string): number {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
}

describe('sqlite store schema versions', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('refuses a database written by a newer schema, saying which version it found and which it supports, and leaves it untouched', async () => {
    const raw = new BetterSqlite3(temp.dbPath);
    raw.exec('CREATE TABLE future_things (x)');
    raw.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 6}`);
    raw.close();

    const error = await createSqliteStore({ path: temp.dbPath }).open().catch((e: unknown) => e);
    expect(XportError.is(error, 'XPORT_STORE_SCHEMA_NEWER')).toBe(true);
    expect((error as XportError).message).toContain(`schema version ${SQLITE_SCHEMA_VERSION + 6}`);
    expect((error as XportError).message).toContain(`supports up to ${SQLITE_SCHEMA_VERSION}`);
    expect((error as XportError).message).toContain(temp.dbPath);

    const after = new BetterSqlite3(temp.dbPath, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION + 6);
    const tables = after.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
    expect(tables).toEqual([{ name: 'future_things' }]);
    after.close();
  });

  it('migrates an empty (zero-byte) file to the current schema on open', async () => {
    writeFileSync(temp.dbPath, '');
    const store = createSqliteStore({ path: temp.dbPath });
    await store.open();
    const { messageId } = await store.submit(makeSubmitRequest());
    expect((await store.getMessage(messageId))?.id).toBe(messageId);
    await store.close();
    expect(rawVersion(temp.dbPath)).toBe(SQLITE_SCHEMA_VERSION);
  });

  it('migrates a version-0 database that already holds unrelated tables, keeping them', async () => {
    const raw = new BetterSqlite3(temp.dbPath);
    raw.exec("CREATE TABLE app_notes (note TEXT); INSERT INTO app_notes VALUES ('keep me')");
    raw.close();
    const store = createSqliteStore({ path: temp.dbPath });
    await store.open();
    await store.close();
    const after = new BetterSqlite3(temp.dbPath, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    expect(after.prepare('SELECT note FROM app_notes').all()).toEqual([{ note: 'keep me' }]);
    expect(after.pragma('journal_mode', { simple: true })).toBe('wal');
    after.close();
  });

  it('reopens its own database without migrating again and keeps the data', async () => {
    const first = createSqliteStore({ path: temp.dbPath });
    await first.open();
    const { messageId } = await first.submit(makeSubmitRequest());
    await first.close();
    const second = createSqliteStore({ path: temp.dbPath });
    await second.open();
    expect((await second.listQueue()).map((m) => m.id)).toEqual([messageId]);
    await second.close();
  });

  it('migrates a version-1 database to version 2 (the stranded-sweep indexes), keeping its queue', async () => {
    const first = createSqliteStore({ path: temp.dbPath });
    await first.open();
    const { messageId } = await first.submit(makeSubmitRequest());
    await first.close();
    // Put the file back in its version-1 shape.
    const raw = new BetterSqlite3(temp.dbPath);
    raw.exec(downgradeTo(1));
    raw.close();
    const second = createSqliteStore({ path: temp.dbPath });
    await second.open();
    expect((await second.listQueue()).map((m) => m.id)).toEqual([messageId]);
    await second.close();
    expect(rawVersion(temp.dbPath)).toBe(SQLITE_SCHEMA_VERSION);
    const check = new BetterSqlite3(temp.dbPath, { readonly: true });
    const indexes = check.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ('messages_open_expiry', 'recipients_unrouted') ORDER BY name").all();
    check.close();
    expect(indexes).toEqual([{ name: 'messages_open_expiry' }, { name: 'recipients_unrouted' }]);
  });
});

describe('sqlite store schema v3 (small parts kept in their own row)', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  const readAll = async (stream: NodeJS.ReadableStream): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };

  it('migrates a version-2 database to version 3, keeping chunked content readable, and writes small parts inline', async () => {
    // A version-2 file whose part bytes are in part_chunks, as v2 wrote them.
    const first = createSqliteStore({ path: temp.dbPath });
    await first.open();
    await first.close();
    const raw = new BetterSqlite3(temp.dbPath);
    raw.exec(downgradeTo(2));
    raw.close();
    const v2 = new BetterSqlite3(temp.dbPath);
    v2.prepare('INSERT INTO parts (id, owner, created_at) VALUES (?, ?, ?)').run('old-part', 'someone', Date.now());
    v2.prepare('INSERT INTO part_chunks (part_id, seq, data) VALUES (?, ?, ?)').run('old-part', 0, Buffer.from('hello '));
    v2.prepare('INSERT INTO part_chunks (part_id, seq, data) VALUES (?, ?, ?)').run('old-part', 1, Buffer.from('from v2'));
    v2.close();

    const store = createSqliteStore({ path: temp.dbPath });
    await store.open();
    expect(await readAll(store.openPart('old-part'))).toBe('hello from v2');
    const { messageId } = await store.submit(makeSubmitRequest());
    const partId = (await store.getMessage(messageId))!.parts[0]!.partId;
    const expected = await readAll(store.openPart(partId));
    await store.close();
    expect(rawVersion(temp.dbPath)).toBe(SQLITE_SCHEMA_VERSION);

    const check = new BetterSqlite3(temp.dbPath, { readonly: true });
    const row = check.prepare('SELECT data FROM parts WHERE id = ?').get(partId) as { data: Buffer | null };
    const chunks = check.prepare('SELECT count(*) AS n FROM part_chunks WHERE part_id = ?').get(partId);
    check.close();
    expect(row.data?.toString('utf8')).toBe(expected);
    expect(chunks).toEqual({ n: 0 });
  });

  it('keeps a part larger than one chunk in part_chunks and an empty part inline, and reads both back', async () => {
    const store = createSqliteStore({ path: temp.dbPath, chunkSize: 4 });
    await store.open();
    const request = makeSubmitRequest();
    const { messageId } = await store.submit({
      ...request,
      parts: [
        { kind: 'text', contentType: 'text/plain', content: 'ten bytes!' },
        { kind: 'attachment', contentType: 'application/octet-stream', filename: 'empty.bin', content: new Uint8Array(0) },
      ],
    });
    const [big, empty] = (await store.getMessage(messageId))!.parts;
    expect(await readAll(store.openPart(big!.partId))).toBe('ten bytes!');
    expect(await readAll(store.openPart(empty!.partId))).toBe('');
    await store.close();
    const check = new BetterSqlite3(temp.dbPath, { readonly: true });
    expect(check.prepare('SELECT count(*) AS n FROM part_chunks WHERE part_id = ?').get(big!.partId)).toEqual({ n: 3 });
    expect((check.prepare('SELECT data FROM parts WHERE id = ?').get(empty!.partId) as { data: Buffer | null }).data?.length).toBe(0);
    check.close();
  });
});

describe('sqlite store content left behind by a crash', () => {
  it('removes day-old content that no record owns when it opens, and keeps recent content', async () => {
    const temp = await makeTempDir();
    try {
      const store = createSqliteStore({ path: temp.dbPath });
      await store.open();
      await store.close();
      const raw = new BetterSqlite3(temp.dbPath);
      raw.prepare('INSERT INTO parts (id, owner, created_at) VALUES (?, NULL, ?)').run('old-orphan', Date.now() - 2 * 86_400_000);
      raw.prepare('INSERT INTO part_chunks (part_id, seq, data) VALUES (?, 0, ?)').run('old-orphan', Buffer.from('lost'));
      raw.prepare('INSERT INTO parts (id, owner, created_at) VALUES (?, NULL, ?)').run('streaming-now', Date.now());
      raw.close();
      await store.open();
      await store.close();
      const after = new BetterSqlite3(temp.dbPath, { readonly: true });
      expect(after.prepare('SELECT id FROM parts ORDER BY id').all()).toEqual([{ id: 'streaming-now' }]);
      expect(after.prepare('SELECT count(*) AS n FROM part_chunks').get()).toEqual({ n: 0 });
      after.close();
    } finally {
      await temp.cleanup();
    }
  });
});

describe('sqlite store schema v4 (content fingerprints kept with idempotency keys)', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  /** A version-3 file holding one keyed message, written the way version 3 wrote it (no fingerprint column). */
  async function makeVersion3File(): Promise<string> {
    const first = createSqliteStore({ path: temp.dbPath });
    await first.open();
    const { messageId } = await first.submit(makeSubmitRequest({ idempotencyKey: 'order-1', subject: 'kept by v3', fingerprint: false }));
    await first.close();
    const raw = new BetterSqlite3(temp.dbPath);
    raw.exec(downgradeTo(3));
    raw.close();
    return messageId;
  }

  it('migrates a version-3 database: its keys still dedupe (whatever the content), new keys are bound to their content', async () => {
    const old = await makeVersion3File();
    const store = createSqliteStore({ path: temp.dbPath });
    await store.open();
    try {
      expect(rawVersion(temp.dbPath)).toBe(SQLITE_SCHEMA_VERSION);
      // A key kept before v4 has no fingerprint to compare: a retry (of any content) is the old message.
      expect(await store.submit(makeSubmitRequest({ idempotencyKey: 'order-1', subject: 'kept by v3' }))).toEqual({ messageId: old, duplicate: true });
      expect(await store.submit(makeSubmitRequest({ idempotencyKey: 'order-1', subject: 'changed since' }))).toEqual({ messageId: old, duplicate: true });
      const fresh = await store.submit(makeSubmitRequest({ idempotencyKey: 'order-2', subject: 'kept by v4' }));
      expect(await store.submit(makeSubmitRequest({ idempotencyKey: 'order-2', subject: 'kept by v4' }))).toEqual({ messageId: fresh.messageId, duplicate: true });
      const conflict = await store.submit(makeSubmitRequest({ idempotencyKey: 'order-2', subject: 'other' })).catch((e: unknown) => e);
      expect(XportError.is(conflict, 'XPORT_IDEMPOTENCY_CONFLICT')).toBe(true);
      expect((await store.listQueue()).map((m) => m.id)).toEqual([old, fresh.messageId]);
    } finally {
      await store.close();
    }
    const check = new BetterSqlite3(temp.dbPath, { readonly: true });
    const rows = check.prepare('SELECT idempotency_key AS k, idempotency_fingerprint AS f FROM messages ORDER BY seq').all() as Array<{ k: string; f: string | null }>;
    check.close();
    expect(rows.map((r) => [r.k, r.f === null ? null : r.f.length])).toEqual([
      ['order-1', null],
      ['order-2', 64],
    ]);
  });

  it('leaves no content behind when a streamed submit turns out to conflict with a key taken meanwhile', async () => {
    const store = createSqliteStore({ path: temp.dbPath });
    await store.open();
    try {
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      async function* slow(): AsyncGenerator<Uint8Array> {
        yield Buffer.from('first half, ');
        await held;
        yield Buffer.from('second half');
      }
      // The streamed submit finds no key, starts writing its content, then the key is taken by other content.
      const streamed = store.submit(makeSubmitRequest({ idempotencyKey: 'raced', parts: [{ kind: 'attachment', contentType: 'application/octet-stream', content: slow() }] }));
      const winner = await store.submit(makeSubmitRequest({ idempotencyKey: 'raced', text: 'in memory' }));
      release();
      const error = await streamed.catch((e: unknown) => e);
      expect(XportError.is(error, 'XPORT_IDEMPOTENCY_CONFLICT')).toBe(true);
      expect((await store.listQueue()).map((m) => m.id)).toEqual([winner.messageId]);
    } finally {
      await store.close();
    }
    const check = new BetterSqlite3(temp.dbPath, { readonly: true });
    const unowned = check.prepare('SELECT count(*) AS n FROM parts WHERE owner IS NULL').get();
    const chunks = check.prepare('SELECT count(*) AS n FROM part_chunks').get();
    check.close();
    expect(unowned).toEqual({ n: 0 });
    expect(chunks).toEqual({ n: 0 });
  });
});
