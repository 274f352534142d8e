// @xport/store-memory — an in-memory message store for tests and ephemeral use.

// Creating a store
export { createMemoryStore } from './memory-store.js';
export type { MemoryStoreOptions } from './memory-store.js';
