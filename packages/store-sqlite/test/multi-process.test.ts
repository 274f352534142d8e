import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Claim, MessageStore } from '@xport/provider-sdk';
import { createSqliteStore } from '../src/index.js';
import { spawnSubmitter } from './child-process.js';
import { makeTempDir } from './temp-store.js';

async function nextWork(store: MessageStore): Promise<void> {
  // Woken by the store's cross-process poll of PRAGMA data_version, or by a fallback tick.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(finish, 250);
    const stop = store.onWork(finish);
    function finish(): void {
      clearTimeout(timer);
      stop();
      resolve();
    }
  });
}

describe('sqlite store shared by two processes', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('lets the parent claim and complete while a child process submits to the same file', async () => {
    const store = createSqliteStore({ path: temp.dbPath, workPollMs: 50 });
    await store.open();
    const total = 300;
    const submitter = spawnSubmitter(temp.dbPath, total, 8);
    const claimed: Claim[] = [];
    try {
      let exitCode: number | null | undefined;
      void submitter.exited.then((code) => (exitCode = code));
      while (claimed.length < total) {
        const batch = await store.claim({ owner: 'parent', limit: 50, leaseMs: 60_000, now: 2000 });
        claimed.push(...batch);
        await Promise.all(batch.map((c) => store.complete({ ...c, result: { state: 'delivered' }, now: 2001 })));
        if (batch.length === 0) {
          if (exitCode !== undefined && claimed.length < total) break;
          await nextWork(store);
        }
      }
      expect(await submitter.exited).toBe(0);
      const keys = claimed.map((c) => c.messageId);
      expect(new Set(keys).size).toBe(keys.length);
      expect(new Set(keys)).toEqual(new Set(submitter.ids));
      expect(submitter.ids).toHaveLength(total);
      expect((await store.listSent()).length).toBe(total);
    } finally {
      submitter.child.kill('SIGKILL');
      await store.close();
    }
  });
});
