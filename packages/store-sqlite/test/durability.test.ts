import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import { createSqliteStore } from '../src/index.js';
import { spawnSubmitter } from './child-process.js';
import { makeTempDir } from './temp-store.js';

describe('sqlite store durability (kill -9)', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('keeps every message whose submit resolved before the process was killed with SIGKILL', async () => {
    const submitter = spawnSubmitter(temp.dbPath);
    // Kill at a random point: after a random number of acknowledged submits, mid-stream of more.
    const killAfter = 20 + Math.floor(Math.random() * 300);
    await submitter.lines(killAfter);
    submitter.child.kill('SIGKILL');
    await submitter.exited;
    const acknowledged = [...submitter.ids];
    expect(acknowledged.length).toBeGreaterThanOrEqual(killAfter);

    const store = createSqliteStore({ path: temp.dbPath });
    await store.open();
    try {
      for (const id of acknowledged) {
        const message = await store.getMessage(id);
        expect(message?.id, `message ${id} was acknowledged but is missing`).toBe(id);
        expect(message?.recipients[0]?.state).toBe('queued');
      }
      const counts = await store.counts();
      expect(counts.byState.queued).toBeGreaterThanOrEqual(acknowledged.length);
    } finally {
      await store.close();
    }
    const raw = new BetterSqlite3(temp.dbPath, { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
  });
});
