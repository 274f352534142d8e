import { STORE_DEFAULTS, defineStoreProvider, type StoreProvider } from '@xport/provider-sdk';
import { createPostgresStore } from './postgres-store.js';

/** Configuration of the store-postgres provider, as its manifest's configSchema describes it. */
export interface PostgresStoreConfig {
  readonly schema?: string;
  readonly poolSize?: number;
  readonly connectionTimeoutMs?: number;
  readonly queryTimeoutMs?: number;
  readonly sentRetentionDays?: number;
  readonly applicationName?: string;
}

/**
 * The PostgreSQL store provider. The connection string comes from the credential service (env
 * `XPORT_STORE_POSTGRES__CONNECTION_STRING` or the credentials file) and is revealed only to the driver.
 */
export default defineStoreProvider<PostgresStoreConfig>({
  create: ({ config, credentials, info, logger }): StoreProvider => {
    const store = createPostgresStore({
      connectionString: credentials.require('connectionString').reveal(),
      schema: config.schema ?? 'xport',
      poolSize: config.poolSize ?? 10,
      connectionTimeoutMs: config.connectionTimeoutMs ?? 5000,
      queryTimeoutMs: config.queryTimeoutMs ?? 30_000,
      sentRetentionDays: config.sentRetentionDays ?? STORE_DEFAULTS.sentRetentionDays,
      applicationName: config.applicationName ?? `xport-${info.id}`,
      logger,
    });
    return Object.assign(store, { stop: () => store.close() });
  },
});
