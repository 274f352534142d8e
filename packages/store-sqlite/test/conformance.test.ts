import { describeStoreConformance } from '@xport/provider-sdk/testing';
import { createSqliteStore } from '../src/index.js';
import { makeTempDir } from './temp-store.js';

describeStoreConformance('@xport/store-sqlite', async () => {
  const { dbPath, cleanup } = await makeTempDir();
  // NORMAL keeps the suite quick; durability under FULL is what the kill -9 test checks.
  return { store: createSqliteStore({ path: dbPath, synchronous: 'NORMAL' }), cleanup };
});

// The same contract with a commit window: writes wait for company, nothing else may change.
describeStoreConformance('@xport/store-sqlite (commitWindowMs 2)', async () => {
  const { dbPath, cleanup } = await makeTempDir();
  return { store: createSqliteStore({ path: dbPath, synchronous: 'NORMAL', commitWindowMs: 2 }), cleanup };
});
