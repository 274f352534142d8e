import { afterEach, describe, expect, it } from 'vitest';
import { XportTokens, type CredentialView, type InboundPort, type Logger } from '@xport/provider-sdk';
import { createKernel, type Kernel } from '../src/index.js';
import { createProviderScope } from '../src/di/provider-container.js';
import { createRootContainer } from '../src/di/root-container.js';
import { createMemoryStore } from '../../store-memory/src/index.js';
import { createCaptureLogger, createTestApp, type TestApp } from './helpers/test-app.js';

let app: TestApp | undefined;
let kernel: Kernel | undefined;
afterEach(async () => {
  await kernel?.stop();
  await app?.cleanup();
  app = undefined;
  kernel = undefined;
});

const message = { from: 'x400:me', to: ['x400:you'], text: 'hello' };

describe('what a kernel that cannot take work says', () => {
  it('says not started before start() was called', async () => {
    app = await createTestApp([]);
    kernel = createKernel({ root: app.root, env: {}, store: createMemoryStore() });
    expect(() => kernel!.spooler()).toThrow(expect.objectContaining({ code: 'XPORT_KERNEL_NOT_STARTED' }));
    expect(() => kernel!.submit(message)).toThrow(expect.objectContaining({ code: 'XPORT_KERNEL_NOT_STARTED', message: expect.stringContaining('call start() first') }));
    await kernel.start();
    expect(kernel.spooler()).toBeDefined();
  });

  it('says stopped once a start has failed (what did start was stopped again)', async () => {
    app = await createTestApp([]);
    const store = createMemoryStore();
    store.open = () => Promise.reject(new Error('disk on fire'));
    kernel = createKernel({ root: app.root, env: {}, store });
    await expect(kernel.start()).rejects.toThrow();
    expect(() => kernel!.spooler()).toThrow(expect.objectContaining({ code: 'XPORT_KERNEL_STOPPED', message: expect.stringContaining('the kernel is stopped') }));
  });

  it('says the store is not configured when a running kernel has none', async () => {
    app = await createTestApp([]);
    kernel = createKernel({ root: app.root, env: {} });
    await kernel.start();
    expect(() => kernel!.spooler()).toThrow(expect.objectContaining({ code: 'XPORT_STORE_NOT_CONFIGURED' }));
  });

  it('says the store is unavailable while the configured one is still opening', async () => {
    app = await createTestApp([]);
    const store = createMemoryStore();
    let opening!: () => void;
    let letOpen!: () => void;
    const openCalled = new Promise<void>((resolve) => (opening = resolve));
    const gate = new Promise<void>((resolve) => (letOpen = resolve));
    const open = store.open.bind(store);
    store.open = async () => {
      opening();
      await gate;
      await open();
    };
    kernel = createKernel({ root: app.root, env: {}, store });
    const starting = kernel.start();
    await openCalled;
    expect(() => kernel!.spooler()).toThrow(expect.objectContaining({ code: 'XPORT_STORE_UNAVAILABLE', message: expect.stringContaining('not open yet') }));
    letOpen();
    await starting;
    expect(kernel.spooler()).toBeDefined();
  });
});

describe('what a provider asking for a store it cannot have is told', () => {
  const logger: Logger = createCaptureLogger();
  const scopeFor = (storeConfigured: boolean) => {
    const root = createRootContainer({ clock: { now: () => 0 }, logger });
    const info = { id: 'fx', packageName: 'fx', version: '1.0.0', directory: '/nowhere', appRoot: '/nowhere', manifest: { kind: 'transport' } } as never;
    return createProviderScope(root, { info, config: {}, credentials: {} as CredentialView, logger, store: () => undefined, storeConfigured });
  };

  it('XPORT_STORE_UNAVAILABLE when a store is configured but not open, for the store and for inbound mail', async () => {
    const { container } = scopeFor(true);
    expect(() => container.resolve(XportTokens.Store)).toThrow(expect.objectContaining({ code: 'XPORT_STORE_UNAVAILABLE', message: 'provider "fx" asked for the message store, but the message store is not open' }));
    await expect(container.resolve<InboundPort>(XportTokens.Inbound).deliver({} as never)).rejects.toMatchObject({ code: 'XPORT_STORE_UNAVAILABLE' });
  });

  it('XPORT_STORE_NOT_CONFIGURED when there is no store at all', async () => {
    const { container } = scopeFor(false);
    expect(() => container.resolve(XportTokens.Store)).toThrow(expect.objectContaining({ code: 'XPORT_STORE_NOT_CONFIGURED', message: 'provider "fx" asked for the message store, but no message store is configured' }));
    await expect(container.resolve<InboundPort>(XportTokens.Inbound).deliver({} as never)).rejects.toMatchObject({ code: 'XPORT_STORE_NOT_CONFIGURED' });
  });
});
