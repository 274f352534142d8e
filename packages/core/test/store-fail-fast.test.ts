import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageStore } from '@xport/provider-sdk';
import { createKernel, type Kernel } from '../src/index.js';
import { createTestApp, fixtureLog, resetFixtureGlobals, type TestApp } from './helpers/test-app.js';
import { createMemoryStore } from '../../store-memory/src/index.js';

let app: TestApp | undefined;
let kernel: Kernel | undefined;
beforeEach(resetFixtureGlobals);
afterEach(async () => {
  await kernel?.stop();
  await app?.cleanup();
  app = undefined;
  kernel = undefined;
});

const credentials = { alpha: { token: 't-alpha' } };
const neverStarted = () => expect(fixtureLog().filter((line) => /^(alpha|audit):/.test(line))).toEqual([]);

describe('a kernel does not start without its configured store', () => {
  it('rejects start() with the store provider\'s code and reason when it cannot open, and starts no transport or hook', async () => {
    app = await createTestApp(['store-open-fails', 'xport-transport-alpha', 'xport-hook-audit'], { store: { provider: 'store-broken' } });
    kernel = createKernel({ root: app.root, env: {}, credentials });
    const error = await kernel.start().then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({
      code: 'XPORT_STORE_UNAVAILABLE',
      message:
        'the message store "store-broken" could not be opened (XPORT_STORE_UNAVAILABLE: fixture store: cannot open the database: unable to open database file (SQLITE_CANTOPEN)); the kernel does not start without its store',
    });
    neverStarted();
    expect(() => kernel!.spooler()).toThrow(expect.objectContaining({ code: 'XPORT_KERNEL_STOPPED' }));
    expect(kernel.status().find((r) => r.id === 'alpha')?.state).toBe('discovered');
    // Not half started: a second start() tries again, and fails the same way.
    await expect(kernel.start()).rejects.toMatchObject({ code: 'XPORT_STORE_UNAVAILABLE' });
    expect(fixtureLog().filter((line) => line === 'store-broken:open')).toHaveLength(2);
  });

  it('rejects with XPORT_STORE_NOT_CONFIGURED when store.provider names no store it can run', async () => {
    app = await createTestApp(['xport-transport-alpha', 'xport-hook-audit'], { store: { provider: 'store-nowhere' } });
    kernel = createKernel({ root: app.root, env: {}, credentials });
    await expect(kernel.start()).rejects.toMatchObject({
      code: 'XPORT_STORE_NOT_CONFIGURED',
      message: 'store.provider "store-nowhere" in xport.config.json is not a discovered store provider; the kernel does not start without its store',
    });
    await app.cleanup();
    app = await createTestApp(['xport-transport-alpha'], { store: { provider: 'alpha' } });
    kernel = createKernel({ root: app.root, env: {}, credentials });
    await expect(kernel.start()).rejects.toMatchObject({
      code: 'XPORT_STORE_NOT_CONFIGURED',
      message: 'store.provider "alpha" in xport.config.json names a transport provider (xport-transport-alpha), not a store; the kernel does not start without its store',
    });
    neverStarted();
  });

  it('rejects with XPORT_STORE_UNAVAILABLE when the store does not open within lifecycle.startTimeoutMs', async () => {
    app = await createTestApp(['store-open-hangs', 'xport-transport-alpha'], { store: { provider: 'store-stuck' }, lifecycle: { startTimeoutMs: 200 } });
    kernel = createKernel({ root: app.root, env: {}, credentials });
    await expect(kernel.start()).rejects.toMatchObject({
      code: 'XPORT_STORE_UNAVAILABLE',
      message: expect.stringContaining('(XPORT_PROVIDER_TIMEOUT: provider "store-stuck": open() did not settle within 200 ms (lifecycle.startTimeoutMs)'),
    });
    neverStarted();
  });

  it('wraps an application store whose open() throws in XPORT_STORE_UNAVAILABLE, and a stop() ends a start that waits on a hung one', async () => {
    app = await createTestApp(['xport-hook-audit']);
    const broken: MessageStore = Object.assign(createMemoryStore(), { open: async () => Promise.reject(new Error('disk on fire')) });
    kernel = createKernel({ root: app.root, env: {}, store: broken });
    await expect(kernel.start()).rejects.toMatchObject({ code: 'XPORT_STORE_UNAVAILABLE', message: 'the message store could not be opened: disk on fire' });

    const hung: MessageStore = Object.assign(createMemoryStore(), { open: () => new Promise<void>(() => undefined) });
    kernel = createKernel({ root: app.root, env: {}, store: hung });
    const starting = kernel.start();
    await kernel.stop();
    await expect(starting).rejects.toMatchObject({ code: 'XPORT_KERNEL_STOPPED' });
    neverStarted();
  });
});
