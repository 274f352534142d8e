// @xport/store-postgres — an xport message store on PostgreSQL, shared by several daemons.

// Creating a store
export { createPostgresStore } from './postgres-store.js';
export type { PostgresStoreOptions } from './postgres-store.js';

// Provider configuration
export type { PostgresStoreConfig } from './provider.js';

// Schema
export { POSTGRES_SCHEMA_VERSION } from './schema.js';

// Moving queued messages between stores
export { copyQueue } from './copy-queue.js';
export type { CopyQueueReport } from './copy-queue.js';
