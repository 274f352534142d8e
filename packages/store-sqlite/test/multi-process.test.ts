import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Claim, MessageStore } from '@xport/provider-sdk';
import { createSqliteStore } from '../src/index.js';
import { spawnSubmitter } from './child-process.js';
import { makeTempDir } from './temp-store.js';

/** Resolves once the store signals work (its poll of PRAGMA data_version saw another process commit) or the child is gone. */
async function nextWork(store: MessageStore, childGone: Promise<unknown>): Promise<void> {
  let stop = (): void => undefined;
  await Promise.race([new Promise<void>((resolve) => (stop = store.onWork(resolve))), childGone]);
  stop();
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
          await nextWork(store, submitter.exited);
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
