import { defineStoreProvider, type StoreProvider } from '@xport/provider-sdk';
import { createMemoryStore } from './memory-store.js';

/** The store-memory provider: a fresh, empty store per kernel; stopped by closing it. */
export default defineStoreProvider<Record<string, never>>({
  create: ({ info }): StoreProvider => {
    const store = createMemoryStore({ name: info.id });
    return Object.assign(store, { stop: () => store.close() });
  },
});
