import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isProviderDefinition, type ProviderContext } from '@xport/provider-sdk';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import provider, { type MemoryStoreConfig } from '../src/provider.js';

describe('store-memory provider', () => {
  it('is a store provider definition named by its manifest', () => {
    expect(isProviderDefinition(provider)).toBe(true);
    expect(provider.kind).toBe('store');
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).xport;
    expect(manifest).toMatchObject({ manifestVersion: 1, id: 'store-memory', kind: 'store', entry: './dist/provider.js', kernel: '^1.0.0' });
  });

  it('creates a fresh store per kernel, closed by stop', async () => {
    const context = { info: { id: 'store-memory' }, config: {} } as unknown as ProviderContext<MemoryStoreConfig>;
    const first = await provider.create(context);
    const second = await provider.create(context);
    await first.open();
    await second.open();
    await first.submit(makeSubmitRequest());
    expect(await first.listQueue()).toHaveLength(1);
    expect(await second.listQueue()).toHaveLength(0);
    await first.stop?.();
    await expect(first.submit(makeSubmitRequest())).rejects.toMatchObject({ code: 'XPORT_STORE_UNAVAILABLE' });
  });
});
