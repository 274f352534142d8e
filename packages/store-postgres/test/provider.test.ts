import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Secret, XportError, isProviderDefinition, type Logger, type ProviderContext, type StoreProvider } from '@xport/provider-sdk';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import provider, { type PostgresStoreConfig } from '../src/provider.js';
import { TEST_PG_URL, dropSchema, freshSchema } from './test-database.js';

const PASSWORD = 'provider-test-s3cret';
const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).xport;

function recordingLogger(lines: string[]): Logger {
  const log = (message: string, fields?: Readonly<Record<string, unknown>>): void => {
    lines.push(`${message} ${JSON.stringify(fields ?? {})}`);
  };
  const logger: Logger = { debug: log, info: log, warn: log, error: log, child: () => logger };
  return logger;
}

function contextFor(connectionString: string, config: PostgresStoreConfig, lines: string[]): ProviderContext<PostgresStoreConfig> {
  return {
    info: { id: 'store-postgres', packageName: '@xport/store-postgres', version: '0.1.0', directory: '.', manifest, appRoot: '.' },
    config,
    credentials: {
      declared: ['connectionString'],
      get: (name: string) => (name === 'connectionString' ? new Secret(connectionString) : undefined),
      require: (name: string) => {
        if (name !== 'connectionString') throw new XportError('XPORT_CREDENTIAL_UNDECLARED', `undeclared ${name}`);
        return new Secret(connectionString);
      },
    },
    logger: recordingLogger(lines),
    clock: { now: () => Date.now() },
    store: undefined,
    inbound: undefined,
    resolve: () => {
      throw new Error('not used');
    },
    container: undefined as never,
  };
}

describe('store-postgres provider', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('declares a store manifest with the connection string as a required credential', () => {
    expect(isProviderDefinition(provider)).toBe(true);
    expect(manifest).toMatchObject({
      manifestVersion: 1,
      id: 'store-postgres',
      kind: 'store',
      entry: './dist/provider.js',
      capabilities: ['durable', 'multi-process', 'multi-host'],
      credentials: { connectionString: { required: true } },
    });
    expect(manifest.configSchema.properties.schema.default).toBe('xport');
  });

  it('opens the store from the credential service and logs host and database, never the connection string', async () => {
    const schema = freshSchema();
    const url = new URL(TEST_PG_URL);
    url.password = PASSWORD;
    const lines: string[] = [];
    const store = (await provider.create(contextFor(url.toString(), { schema }, lines) as never)) as StoreProvider;
    cleanups.push(() => dropSchema(schema));
    await store.open();
    const { messageId } = await store.submit(makeSubmitRequest());
    expect((await store.getMessage(messageId))?.id).toBe(messageId);
    await store.stop?.();
    expect(lines.join('\n')).toContain(`${url.hostname}:${url.port || 5432}${url.pathname}`);
    expect(lines.join('\n')).not.toContain(PASSWORD);
  });

  it('keeps the password out of the error when the database cannot be reached', async () => {
    const lines: string[] = [];
    const store = (await provider.create(
      contextFor(`postgres://xport:${PASSWORD}@127.0.0.1:1/xport`, { schema: freshSchema(), connectionTimeoutMs: 500 }, lines) as never,
    )) as StoreProvider;
    const error = await store.open().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(XportError.is(error, 'XPORT_STORE_UNAVAILABLE')).toBe(true);
    expect(`${(error as Error).message} ${JSON.stringify((error as XportError).details)} ${lines.join('\n')}`).not.toContain(PASSWORD);
  });
});
