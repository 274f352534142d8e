import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/open-database.js';
import { WalSync, syncFailure } from '../src/wal-sync.js';
import { makeTempDir } from './temp-store.js';

describe('WAL sync off the event loop', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('under FULL the connection runs NORMAL and the store syncs the WAL itself; under NORMAL nothing is added', () => {
    const full = openDatabase({ path: temp.dbPath, synchronous: 'FULL', busyTimeoutMs: 100 });
    try {
      // 1 = NORMAL: SQLite syncs only at checkpoints; commits are synced by `walSync`.
      expect(full.db.pragma('synchronous', { simple: true })).toBe(1);
      expect(full.walSync).toBeInstanceOf(WalSync);
    } finally {
      full.db.close();
    }
    const normal = openDatabase({ path: temp.dbPath, synchronous: 'NORMAL', busyTimeoutMs: 100 });
    try {
      expect(normal.db.pragma('synchronous', { simple: true })).toBe(1);
      expect(normal.walSync).toBeUndefined();
    } finally {
      normal.db.close();
    }
  });

  it('syncs the WAL of an open store, and a WAL that is not there is a lasting failure', async () => {
    const { db, walSync } = openDatabase({ path: temp.dbPath, synchronous: 'FULL', busyTimeoutMs: 100 });
    try {
      db.exec('CREATE TABLE t (v INTEGER)');
      await expect(walSync!.sync()).resolves.toBeUndefined();
      expect(walSync!.failure).toBeUndefined();
    } finally {
      walSync!.close();
      db.close();
    }
    const missing = new WalSync(`${temp.dbPath}.nowhere`);
    await expect(missing.sync()).rejects.toMatchObject({ code: 'ENOENT' });
    expect(missing.failure).toMatchObject({ code: 'ENOENT' });
    await expect(missing.sync()).rejects.toBe(missing.failure);
  });

  it('a full disk fails only the writes a sync covered; any other error refuses later writes', () => {
    expect(syncFailure(Object.assign(new Error('no space'), { code: 'ENOSPC' }))).toMatchObject({ lasting: false, failure: { code: 'ENOSPC' } });
    expect(syncFailure(Object.assign(new Error('quota'), { code: 'EDQUOT' }))).toMatchObject({ lasting: false });
    expect(syncFailure(Object.assign(new Error('i/o error'), { code: 'EIO' }))).toMatchObject({ lasting: true, failure: { code: 'EIO' } });
    expect(syncFailure('odd')).toMatchObject({ lasting: true, failure: { code: 'SQLITE_IOERR' } });
  });
});
