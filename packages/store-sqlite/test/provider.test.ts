import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isProviderDefinition, type ProviderContext, type StoreDefinition } from '@xport/provider-sdk';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import provider, { type SqliteStoreConfig } from '../src/provider.js';
import { makeTempDir } from './temp-store.js';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => silent };

function contextFor(appRoot: string, config: SqliteStoreConfig): ProviderContext<SqliteStoreConfig> {
  return { info: { appRoot, id: 'store-sqlite' }, config, logger: silent } as unknown as ProviderContext<SqliteStoreConfig>;
}

describe('store-sqlite provider', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('is a store provider definition whose manifest points at it', () => {
    expect(isProviderDefinition(provider)).toBe(true);
    expect((provider as StoreDefinition<SqliteStoreConfig>).kind).toBe('store');
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).xport;
    expect(manifest).toMatchObject({ id: 'store-sqlite', kind: 'store', entry: './dist/provider.js' });
    expect(manifest.configSchema.properties.path.default).toBe('.xport/store.db');
  });

  it('opens the default path, .xport/store.db, under the application root', async () => {
    const store = await provider.create(contextFor(temp.dir, {}));
    await store.open();
    await store.submit(makeSubmitRequest());
    await store.stop?.();
    expect(existsSync(join(temp.dir, '.xport', 'store.db'))).toBe(true);
  });

  it('resolves a relative configured path against the application root', async () => {
    const store = await provider.create(contextFor(temp.dir, { path: 'data/queue.db', synchronous: 'NORMAL' }));
    await store.open();
    await store.close();
    expect(existsSync(join(temp.dir, 'data', 'queue.db'))).toBe(true);
  });
});
