import { statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from 'better-sqlite3';
import type { CheckpointReply } from '../src/checkpoint-worker.js';
import { Checkpointer } from '../src/checkpointer.js';
import { GroupCommitWriter } from '../src/group-commit.js';
import { openDatabase, WAL_AUTOCHECKPOINT_PAGES } from '../src/open-database.js';
import { startCheckpointer } from '../src/store-checkpoints.js';
import { storeFiles } from '../src/store-files.js';
import { recordingLogger } from './recording-logger.js';
import { makeTempDir } from './temp-store.js';

const BLOB = Buffer.alloc(64 * 1024, 7);

describe('checkpoints in a worker thread', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let db: Database;
  beforeEach(async () => {
    temp = await makeTempDir();
    db = openDatabase({ path: temp.dbPath, synchronous: 'FULL', busyTimeoutMs: 1000 }).db;
    db.exec('CREATE TABLE blobs (data BLOB NOT NULL)');
  });
  afterEach(async () => {
    if (db.open) db.close();
    await temp.cleanup();
  });

  it('moves the WAL into the database between batches, so the next batch starts the WAL again', async () => {
    // The writer never checkpoints itself here: only the worker can keep the WAL small.
    db.pragma('wal_autocheckpoint = 0');
    const replies: CheckpointReply[] = [];
    const checkpointer = new Checkpointer(temp.dbPath, { frames: 1, intervalMs: 0, onStopped: (error) => expect.fail(error.message), onReply: (reply) => replies.push(reply) });
    const writer = new GroupCommitWriter(db, temp.dbPath, undefined, 0, undefined, undefined, checkpointer);
    const insert = () => writer.run('insert', (conn) => conn.prepare('INSERT INTO blobs (data) VALUES (?)').run(BLOB));
    try {
      // The worker starts with the first checkpoint due, and takes the ones after it is ready.
      while (replies.length === 0) await insert();
      const walSize = statSync(storeFiles(temp.dbPath).wal).size;
      const batches = 60;
      for (let i = 0; i < batches; i++) await insert();
      const checkpointed = replies.filter((r) => r.kind === 'checkpointed');
      expect(checkpointed.length).toBeGreaterThan(batches / 2);
      // Each took the whole WAL: no commit came between it and the batch that waited for it.
      for (const r of checkpointed) expect(r.checkpointed).toBe(r.log);
      // Once the backlog of the worker's start-up was moved, each found a WAL of a batch or two
      // (a 64 KiB blob is 17 pages), and the file, written again from its start, did not grow.
      for (const r of checkpointed.slice(2)) expect(r.log).toBeLessThan(4 * 20);
      expect(statSync(storeFiles(temp.dbPath).wal).size).toBeLessThanOrEqual(walSize);
      const { n } = db.prepare('SELECT count(*) AS n FROM blobs').get() as { n: number };
      expect(n).toBeGreaterThanOrEqual(batches);
    } finally {
      await writer.close();
      await checkpointer.close();
    }
  });

  it('without it, the same batches pile up in the WAL (what the test above rules out)', async () => {
    db.pragma('wal_autocheckpoint = 0');
    const writer = new GroupCommitWriter(db, temp.dbPath);
    for (let i = 0; i < 60; i++) await writer.run('insert', (conn) => conn.prepare('INSERT INTO blobs (data) VALUES (?)').run(BLOB));
    await writer.close();
    expect(statSync(storeFiles(temp.dbPath).wal).size).toBeGreaterThan(60 * BLOB.length);
  });

  it('checkpoints once the WAL holds its threshold of frames, and once writes stop whatever it holds', async () => {
    const replies: CheckpointReply[] = [];
    let ready!: () => void;
    const started = new Promise<void>((resolve) => (ready = resolve));
    const checkpointer = new Checkpointer(temp.dbPath, { frames: 40, intervalMs: 0, onStopped: (error) => expect.fail(error.message), onReady: () => ready(), onReply: (reply) => replies.push(reply) });
    const insert = () => db.prepare('INSERT INTO blobs (data) VALUES (?)').run(BLOB);
    try {
      // No WAL index yet, or an empty WAL: nothing is due, and no worker starts.
      expect(checkpointer.due()).toBe(false);
      insert(); // 17 frames
      expect(checkpointer.due()).toBe(false);
      insert();
      insert(); // 51
      // Due: the first one starts the worker, and the ones after it is ready run.
      expect(checkpointer.due()).toBe(false);
      await started;
      expect(checkpointer.due()).toBe(true);
      await checkpointer.checkpoint();
      expect(replies.at(-1)).toMatchObject({ kind: 'checkpointed', busy: false });
      expect((replies.at(-1) as { log: number }).log).toBeGreaterThanOrEqual(51);
      // The next write restarts the WAL: below the threshold, only an idle checkpoint takes it.
      insert();
      expect(checkpointer.due()).toBe(false);
      expect(checkpointer.due(true)).toBe(true);
      await checkpointer.checkpoint();
      // Nothing committed since: an idle checkpoint would move nothing.
      expect(checkpointer.due(true)).toBe(false);
      insert();
      expect(checkpointer.due(true)).toBe(true);
    } finally {
      await checkpointer.close();
    }
  });

  it('logs a worker that cannot start, after which the writer checkpoints alone', async () => {
    let stopped!: () => void;
    const stop = new Promise<void>((resolve) => (stopped = resolve));
    const logger = recordingLogger((line) => line.level === 'warn' && stopped());
    const checkpointer = startCheckpointer(temp.dbPath, logger, { frames: 1, driver: '/nonexistent/better-sqlite3.js' });
    db.prepare('INSERT INTO blobs (data) VALUES (?)').run(BLOB);
    // The first checkpoint due starts the worker, which cannot load its driver.
    expect(checkpointer.due()).toBe(false);
    await stop;
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(WAL_AUTOCHECKPOINT_PAGES);
    expect(logger.lines.find((l) => l.level === 'warn')?.message).toMatch(/the checkpoint worker stopped .*the writer checkpoints the WAL itself/);
    expect(checkpointer.due()).toBe(false);
    await expect(checkpointer.checkpoint()).resolves.toBeUndefined();
    await checkpointer.close();
  });

  it('closes the worker connection with the store, so the last connection can remove the WAL', async () => {
    const replies: CheckpointReply[] = [];
    const checkpointer = new Checkpointer(temp.dbPath, { frames: 1, intervalMs: 0, onStopped: (error) => expect.fail(error.message), onReply: (reply) => replies.push(reply) });
    const writer = new GroupCommitWriter(db, temp.dbPath, undefined, 0, undefined, undefined, checkpointer);
    while (replies.length === 0) await writer.run('insert', (conn) => conn.prepare('INSERT INTO blobs (data) VALUES (?)').run(BLOB));
    await writer.close();
    await checkpointer.close();
    db.close();
    // SQLite deletes the WAL when its last connection closes: the worker's was closed first.
    expect(() => statSync(storeFiles(temp.dbPath).wal)).toThrow(/ENOENT/);
  });
});
