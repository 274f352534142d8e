import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { XportError } from '@xport/provider-sdk';
import { GroupCommitWriter } from '../src/group-commit.js';
import type { CommitSync } from '../src/wal-sync.js';
import { syncFailure } from '../src/wal-sync.js';
import { makeTempDir } from './temp-store.js';

describe('group commit', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let db: Database;
  let observer: Database;
  beforeEach(async () => {
    temp = await makeTempDir();
    db = new BetterSqlite3(temp.dbPath);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (v INTEGER NOT NULL UNIQUE)');
    observer = new BetterSqlite3(temp.dbPath, { readonly: true });
  });
  afterEach(async () => {
    observer.close();
    db.close();
    await temp.cleanup();
  });

  const committedRows = (): number => (observer.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;

  it('writes the jobs of one tick in one transaction and resolves none before it commits', async () => {
    const writer = new GroupCommitWriter(db, temp.dbPath);
    // Another connection sees only committed rows: one transaction means every job sees 0.
    const seenByOthers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        writer.run('insert', (conn) => {
          conn.prepare('INSERT INTO t (v) VALUES (?)').run(i);
          return committedRows();
        }),
      ),
    );
    expect(seenByOthers).toEqual(Array.from({ length: 50 }, () => 0));
    expect(committedRows()).toBe(50);
  });

  it('with a commit window, takes the writes of later turns into the same transaction', async () => {
    // The window's timer is fake: it closes when the test says so, however slow the machine is
    // between the turns below (a real 50 ms window may close between two turns under load).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const writer = new GroupCommitWriter(db, temp.dbPath, undefined, 50);
      const settled: number[] = [];
      const insert = (v: number): Promise<number> => {
        const done = writer.run('insert', (conn) => {
          conn.prepare('INSERT INTO t (v) VALUES (?)').run(v);
          return committedRows();
        });
        void done.then(() => settled.push(v));
        return done;
      };
      const first = insert(1);
      await new Promise((resolve) => setImmediate(resolve));
      const second = insert(2);
      await new Promise((resolve) => setImmediate(resolve));
      const third = insert(3);
      await new Promise((resolve) => setImmediate(resolve));
      // Three turns later, the window is still open: nothing written, nothing resolved.
      expect(committedRows()).toBe(0);
      expect(settled).toEqual([]);
      await vi.advanceTimersByTimeAsync(50);
      // Three turns, one transaction: no job saw another's row committed.
      expect(await Promise.all([first, second, third])).toEqual([0, 0, 0]);
      expect(committedRows()).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('without a window, writes of different turns commit separately', async () => {
    const writer = new GroupCommitWriter(db, temp.dbPath);
    const insert = (v: number): Promise<number> =>
      writer.run('insert', (conn) => {
        conn.prepare('INSERT INTO t (v) VALUES (?)').run(v);
        return committedRows();
      });
    const first = insert(1);
    await first;
    expect(await insert(2)).toBe(1);
  });

  it('fails only the job that threw; the others in its batch commit', async () => {
    const writer = new GroupCommitWriter(db, temp.dbPath);
    const results = await Promise.allSettled([
      writer.run('insert 1', (conn) => conn.prepare('INSERT INTO t (v) VALUES (1)').run()),
      writer.run('insert 1 again', (conn) => {
        conn.prepare('INSERT INTO t (v) VALUES (2)').run();
        conn.prepare('INSERT INTO t (v) VALUES (1)').run();
      }),
      writer.run('insert 3', (conn) => conn.prepare('INSERT INTO t (v) VALUES (3)').run()),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(observer.prepare('SELECT v FROM t ORDER BY v').all()).toEqual([{ v: 1 }, { v: 3 }]);
  });

  it('rejects every job of a batch whose commit cannot happen, with XPORT_STORE_UNAVAILABLE', async () => {
    const writer = new GroupCommitWriter(db, temp.dbPath);
    db.pragma('busy_timeout = 20');
    const locker = new BetterSqlite3(temp.dbPath);
    locker.exec('BEGIN IMMEDIATE');
    const results = await Promise.allSettled([1, 2, 3].map((v) => writer.run('insert', (conn) => conn.prepare('INSERT INTO t (v) VALUES (?)').run(v))));
    locker.exec('ROLLBACK');
    locker.close();
    expect(results.every((r) => r.status === 'rejected' && XportError.is(r.reason, 'XPORT_STORE_UNAVAILABLE'))).toBe(true);
    expect(committedRows()).toBe(0);
  });

  /** A WAL sync the test completes: each `sync()` waits until the test calls `finish`. */
  function heldSync(): CommitSync & { calls: number; finish: (error?: unknown) => void } {
    const waiting: Array<(error?: unknown) => void> = [];
    let failure: Error | undefined;
    return {
      calls: 0,
      get failure() {
        return failure;
      },
      sync() {
        this.calls += 1;
        return new Promise<void>((resolve, reject) => waiting.push((error) => (error === undefined ? resolve() : reject(error))));
      },
      finish(error?: unknown) {
        const { failure: f, lasting } = error === undefined ? { failure: undefined, lasting: false } : syncFailure(error);
        if (lasting) failure = f;
        waiting.shift()!(f);
      },
    };
  }
  const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  it('with a WAL sync, resolves a batch only once its sync returns, and holds the next batch until then', async () => {
    const sync = heldSync();
    const writer = new GroupCommitWriter(db, temp.dbPath, undefined, 0, undefined, sync);
    const settled: number[] = [];
    const ran: number[] = [];
    const insert = (v: number): Promise<void> =>
      writer
        .run('insert', (conn) => {
          ran.push(v);
          conn.prepare('INSERT INTO t (v) VALUES (?)').run(v);
        })
        .then(() => void settled.push(v));
    const first = insert(1);
    await turn();
    await turn();
    // Committed (other connections see it) but not yet synced: not resolved.
    expect(committedRows()).toBe(1);
    expect(sync.calls).toBe(1);
    expect(settled).toEqual([]);
    const later = [insert(2), insert(3)];
    await turn();
    await turn();
    // The next batch waits for the sync in flight: nothing of it ran.
    expect(ran).toEqual([1]);
    sync.finish();
    await first;
    expect(settled).toEqual([1]);
    await turn();
    await turn();
    // Both writes issued meanwhile went in one batch, under one sync.
    expect(ran).toEqual([1, 2, 3]);
    expect(sync.calls).toBe(2);
    expect(settled).toEqual([1]);
    sync.finish();
    await Promise.all(later);
    expect(settled).toEqual([1, 2, 3]);
    await writer.close();
  });

  it('a sync refused for want of room fails the writes it covered with XPORT_STORE_FULL; later writes go on', async () => {
    const sync = heldSync();
    const writer = new GroupCommitWriter(db, temp.dbPath, undefined, 0, undefined, sync);
    const refused = writer.run('insert', (conn) => conn.prepare('INSERT INTO t (v) VALUES (1)').run());
    await turn();
    sync.finish(Object.assign(new Error('ENOSPC: no space left on device, fdatasync'), { code: 'ENOSPC' }));
    await expect(refused).rejects.toMatchObject({ code: 'XPORT_STORE_FULL', message: expect.stringContaining('cannot insert') });
    const next = writer.run('insert', (conn) => conn.prepare('INSERT INTO t (v) VALUES (2)').run());
    await turn();
    sync.finish();
    await expect(next).resolves.toBeDefined();
    await writer.close();
  });

  it('after a sync fails with an I/O error, every later write is refused (XPORT_STORE_UNAVAILABLE) until the store is opened again', async () => {
    const sync = heldSync();
    const writer = new GroupCommitWriter(db, temp.dbPath, undefined, 0, undefined, sync);
    const covered = writer.run('insert', (conn) => conn.prepare('INSERT INTO t (v) VALUES (1)').run());
    await turn();
    sync.finish(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await expect(covered).rejects.toMatchObject({ code: 'XPORT_STORE_UNAVAILABLE', message: expect.stringContaining('EIO') });
    let ran = false;
    await expect(writer.run('insert', () => (ran = true))).rejects.toMatchObject({ code: 'XPORT_STORE_UNAVAILABLE', message: expect.stringContaining('refused until the store is opened again') });
    expect(ran).toBe(false);
    await writer.close();
  });

  it('a batch that commits nothing needs no sync: its failures settle at once', async () => {
    const sync = heldSync();
    const writer = new GroupCommitWriter(db, temp.dbPath, undefined, 0, undefined, sync);
    await expect(writer.run('fail', () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(sync.calls).toBe(0);
    await writer.close();
  });
});
