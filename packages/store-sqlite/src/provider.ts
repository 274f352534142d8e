import { isAbsolute, resolve } from 'node:path';
import { STORE_DEFAULTS, defineStoreProvider, type StoreProvider } from '@xport/provider-sdk';
import { createSqliteStore } from './sqlite-store.js';

/** Configuration of the store-sqlite provider, as its manifest's configSchema describes it. */
export interface SqliteStoreConfig {
  readonly path?: string;
  readonly synchronous?: 'FULL' | 'NORMAL';
  readonly sentRetentionDays?: number;
  readonly commitWindowMs?: number;
}

export const DEFAULT_STORE_PATH = '.xport/store.db';

/** The embedded default store: `config.path` resolves against the application root. */
export default defineStoreProvider<SqliteStoreConfig>({
  create: ({ config, info, logger }): StoreProvider => {
    const path = config.path ?? DEFAULT_STORE_PATH;
    const store = createSqliteStore({
      path: isAbsolute(path) ? path : resolve(info.appRoot, path),
      synchronous: config.synchronous ?? 'FULL',
      sentRetentionDays: config.sentRetentionDays ?? STORE_DEFAULTS.sentRetentionDays,
      commitWindowMs: config.commitWindowMs ?? 0,
      logger,
    });
    return Object.assign(store, { stop: () => store.close() });
  },
});
