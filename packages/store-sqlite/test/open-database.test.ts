import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/open-database.js';
import { makeTempDir } from './temp-store.js';

describe('sqlite connection settings', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('keeps savepoint journals in memory (temp_store MEMORY), in WAL mode with the durability asked for', () => {
    const { db } = openDatabase({ path: temp.dbPath, synchronous: 'FULL', busyTimeoutMs: 100 });
    try {
      // 2 = MEMORY: per-job savepoints of group commit never write a temporary file.
      expect(db.pragma('temp_store', { simple: true })).toBe(2);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      // 1 = NORMAL: under FULL the store syncs each commit's WAL itself, off the event loop (wal-sync.test.ts).
      expect(db.pragma('synchronous', { simple: true })).toBe(1);
    } finally {
      db.close();
    }
  });
});
