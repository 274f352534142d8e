import { readFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { describeStoreConformance, type RecordRewriter } from '@xport/provider-sdk/testing';
import { createSqliteStore } from '../src/index.js';
import { makeTempDir } from './temp-store.js';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).xport;

/** Rewrites a stored field through a connection of its own, as a damaged or foreign write would. */
function rewriterFor(dbPath: string): RecordRewriter {
  return async (messageId, field, value) => {
    const db = new BetterSqlite3(dbPath);
    try {
      db.prepare(`UPDATE messages SET ${field === 'envelope' ? 'envelope' : 'parts'} = ? WHERE id = ?`).run(JSON.stringify(value), messageId);
    } finally {
      db.close();
    }
  };
}

describeStoreConformance(
  '@xport/store-sqlite',
  async () => {
    const { dbPath, cleanup } = await makeTempDir();
    // NORMAL keeps the suite quick; durability under FULL is what the kill -9 test checks.
    return {
      store: createSqliteStore({ path: dbPath, synchronous: 'NORMAL' }),
      cleanup,
      rewriteRecord: rewriterFor(dbPath),
      reopen: () => createSqliteStore({ path: dbPath, synchronous: 'NORMAL' }),
    };
  },
  { manifest },
);

// The same contract with a commit window: writes wait for company, nothing else may change.
describeStoreConformance('@xport/store-sqlite (commitWindowMs 2)', async () => {
  const { dbPath, cleanup } = await makeTempDir();
  return { store: createSqliteStore({ path: dbPath, synchronous: 'NORMAL', commitWindowMs: 2 }), cleanup };
});

// The store as shipped: FULL, each batch's WAL synced off the event loop before its writes resolve.
describeStoreConformance('@xport/store-sqlite (synchronous FULL)', async () => {
  const { dbPath, cleanup } = await makeTempDir();
  return { store: createSqliteStore({ path: dbPath }), cleanup };
});
