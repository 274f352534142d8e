// @xport/store-sqlite — the embedded default xport message store (SQLite, WAL, group commit).

// Creating a store
export { createSqliteStore } from './sqlite-store.js';
export type { SqliteStoreOptions } from './sqlite-store-options.js';

// Provider configuration
export { DEFAULT_STORE_PATH } from './provider.js';
export type { SqliteStoreConfig } from './provider.js';

// Schema
export { SQLITE_SCHEMA_VERSION } from './schema.js';
