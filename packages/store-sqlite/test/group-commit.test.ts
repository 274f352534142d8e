import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { XportError } from '@xport/provider-sdk';
import { GroupCommitWriter } from '../src/group-commit.js';
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
});
