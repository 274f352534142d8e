import { STORE_DEFAULTS, defineStoreProvider, type StoreProvider } from '@xport/provider-sdk';
import { createMemoryStore } from './memory-store.js';

/** Configuration of the store-memory provider, as its manifest's configSchema describes it. */
export interface MemoryStoreConfig {
  readonly sentRetentionDays?: number;
}

/** The store-memory provider: a fresh, empty store per kernel; stopped by closing it. */
export default defineStoreProvider<MemoryStoreConfig>({
  create: ({ config, info, logger }): StoreProvider => {
    const store = createMemoryStore({ name: info.id, sentRetentionDays: config.sentRetentionDays ?? STORE_DEFAULTS.sentRetentionDays, logger });
    return Object.assign(store, { stop: () => store.close() });
  },
});
