import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKernel, logonRetryDelay, type Kernel, type ProviderStateChange } from '../src/index.js';
import { createCaptureLogger, createManualScheduler, createTestApp, fixtureLog, nextSettledState, resetFixtureGlobals, type TestApp } from './helpers/test-app.js';
import { KNOWN_SECRETS as K } from '../../../test/support/known-secrets.js';
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

const credentials = { alpha: { token: 't-alpha' }, beta: { token: 't-beta' } };

/** Fires the next retry timer and waits until the provider settles again. */
async function fireRetry(k: Kernel, scheduler: ReturnType<typeof createManualScheduler>, id: string): Promise<string> {
  const settled = nextSettledState(k, id);
  scheduler.fireNext();
  return settled;
}

describe('lifecycle', () => {
  it('keeps running the valid providers when others fail to import, mismatch their kind, export nothing or throw on start', async () => {
    app = await createTestApp(['throws-on-import', 'kind-mismatch', 'exports-nothing', 'start-throws', 'xport-transport-alpha', 'xport-hook-audit']);
    kernel = createKernel({ root: app.root, credentials, env: {} });
    await kernel.start();
    const row = (id: string) => kernel!.status().find((r) => r.id === id);
    expect(row('throws-on-import')).toMatchObject({ state: 'failed', lastError: { code: 'XPORT_PROVIDER_IMPORT_FAILED' } });
    expect(row('throws-on-import')?.lastError?.message).toMatch(/^throws-on-import: importing .*index\.js threw: fixture: this module cannot be imported$/);
    expect(row('kind-mismatch')?.lastError).toEqual({
      code: 'XPORT_PROVIDER_IMPORT_FAILED',
      message: 'kind-mismatch: entry exports a hook provider definition, but the manifest kind is "transport"',
    });
    expect(row('exports-nothing')?.state).toBe('failed');
    expect(row('exports-nothing')?.lastError?.message).toContain('default-exports a number; expected a defineTransportProvider(...) definition or an @injectable() class');
    expect(row('start-throws')).toMatchObject({
      state: 'failed',
      lastError: { code: 'XPORT_PROVIDER_START_FAILED', message: 'provider "start-throws": start threw: fixture: port 25 already in use' },
    });
    expect(row('alpha')?.state).toBe('online');
    expect(kernel.hooks()).toHaveLength(1);
    // hook(id) finds a loaded hook by id (as transport(id) does a transport), and only a hook.
    expect(kernel.hook('audit')).toBe(kernel.hooks()[0]);
    expect(kernel.hook('alpha')).toBeUndefined();
    expect(kernel.routing().addressTypes()).toEqual(['alpha', 'exports-nothing', 'kind-mismatch', 'start-throws', 'throws-on-import']);
  });

  it('marks a provider whose logon rejects its credentials logon-failed and retries with backoff', async () => {
    app = await createTestApp(['logon-rejects', 'xport-hook-audit']);
    const scheduler = createManualScheduler();
    const changes: ProviderStateChange[] = [];
    kernel = createKernel({ root: app.root, credentials: { 'logon-rejects': { password: K.wrongPassword } }, env: {}, scheduler, config: { logonRetry: { minDelayMs: 1000, maxDelayMs: 4000 } } });
    kernel.on('provider-state', (change) => changes.push(change));
    await kernel.start();
    expect(kernel.providerState('logon-rejects')).toBe('logon-failed');
    const row = kernel.status().find((r) => r.id === 'logon-rejects');
    expect(row?.lastError).toEqual({ code: 'XPORT_LOGON_FAILED', message: 'logon-rejects: server refused password [redacted]' });
    expect(JSON.stringify(kernel.status())).not.toContain(K.wrongPassword);
    expect(changes.filter((c) => c.id === 'logon-rejects').map((c) => c.to)).toEqual(['loading', 'logging-on', 'logon-failed']);
    expect(changes.find((c) => c.to === 'logon-failed')?.error?.code).toBe('XPORT_LOGON_FAILED');
    expect(kernel.providerState('audit')).toBe('online');
    // Doubling delays, capped, never a tight loop: each retry is one scheduled timer.
    for (let i = 0; i < 3; i++) expect(await fireRetry(kernel, scheduler, 'logon-rejects')).toBe('logon-failed');
    expect(scheduler.delays()).toEqual([1000, 2000, 4000, 4000]);
    expect(scheduler.active()).toBe(1);
    expect(fixtureLog().filter((l) => l === 'logon-rejects:logon')).toHaveLength(4);
    await kernel.stop();
    expect(scheduler.active()).toBe(0);
  });

  it('takes an unavailable provider offline, retries it, and brings it online when the server is back', async () => {
    app = await createTestApp(['logon-unavailable']);
    const scheduler = createManualScheduler();
    kernel = createKernel({ root: app.root, env: {}, scheduler });
    await kernel.start();
    expect(kernel.providerState('logon-unavailable')).toBe('offline');
    expect(kernel.status()[0]?.lastError).toEqual({ code: 'XPORT_PROVIDER_UNAVAILABLE', message: 'logon-unavailable: server unreachable' });
    expect(scheduler.delays()).toEqual([1000]);
    expect(await fireRetry(kernel, scheduler, 'logon-unavailable')).toBe('offline');
    expect(scheduler.delays()).toEqual([1000, 2000]);
    (globalThis as Record<string, unknown>).__xportFixtureServerUp = true;
    expect(await fireRetry(kernel, scheduler, 'logon-unavailable')).toBe('online');
    expect(scheduler.active()).toBe(0);
    expect(fixtureLog()).toEqual(['logon-unavailable:logon', 'logon-unavailable:logon', 'logon-unavailable:logon', 'logon-unavailable:start']);
  });

  it('shows the sides a transport reports, redacted, and stops a transport whose logon never succeeded', async () => {
    app = await createTestApp(['two-sided']);
    const scheduler = createManualScheduler();
    kernel = createKernel({ root: app.root, credentials: { 'two-sided': { token: K.betaToken } }, env: {}, scheduler });
    await kernel.start();
    const row = () => kernel!.status().find((r) => r.id === 'two-sided')!;
    expect(row().state).toBe('offline');
    // Well-formed sides only, their texts through the redactor like lastError.
    expect(row().sides).toEqual([
      { name: 'sending', state: 'down', detail: 'relay.example:587', error: { code: 'XPORT_PROVIDER_UNAVAILABLE', message: 'server refused token [redacted]' } },
      { name: 'receiving', state: 'up' },
    ]);
    expect(JSON.stringify(kernel.status())).not.toContain(K.betaToken);
    // A provider whose sides() throws reports none; the status table still answers.
    (globalThis as Record<string, unknown>).__xportFixtureSidesThrow = true;
    expect(row().sides).toBeUndefined();
    expect(row().state).toBe('offline');

    // Its logon opened something (the receiving side): stop() is owed although start() never came.
    await kernel.stop();
    expect(fixtureLog()).toEqual(['two-sided:logon', 'two-sided:stop']);
  });

  it('revalidate() re-runs logon now and cancels the pending retry', async () => {
    app = await createTestApp(['logon-unavailable']);
    const scheduler = createManualScheduler();
    kernel = createKernel({ root: app.root, env: {}, scheduler });
    await kernel.start();
    expect(scheduler.active()).toBe(1);
    (globalThis as Record<string, unknown>).__xportFixtureServerUp = true;
    await expect(kernel.revalidate('logon-unavailable')).resolves.toBe('online');
    expect(scheduler.active()).toBe(0);
    await expect(kernel.revalidate('nobody')).rejects.toMatchObject({ code: 'XPORT_PROVIDER_NOT_FOUND' });
    await kernel.stop();
    await expect(kernel.revalidate('logon-unavailable')).rejects.toMatchObject({ code: 'XPORT_KERNEL_STOPPED' });
  });

  it('starts the store first, stops the others (in reverse start order) before the store, and is idempotent', async () => {
    app = await createTestApp(['xport-transport-alpha', 'xport-hook-audit', 'xport-store-memory', 'xport-smtp-a'], {
      store: { provider: 'store-memory' },
      transportOrder: ['smtp-a', 'alpha'],
    });
    kernel = createKernel({ root: app.root, credentials, env: {} });
    await Promise.all([kernel.start(), kernel.start()]);
    await kernel.start();
    // The store is up before any other provider runs; the others come up side by side, each in its own order.
    expect(fixtureLog().slice(0, 3)).toEqual(['store-memory:logon', 'store-memory:open', 'store-memory:start']);
    for (const id of ['smtp-a', 'alpha', 'audit']) expect(fixtureLog().filter((l) => l.startsWith(`${id}:`))).toEqual([`${id}:logon`, `${id}:start`]);
    expect(fixtureLog()).toHaveLength(9);
    expect(kernel.store()).toBeDefined();
    resetFixtureGlobals();
    await Promise.all([kernel.stop(), kernel.stop()]);
    await kernel.stop();
    expect(fixtureLog().slice(0, 3).sort()).toEqual(['alpha:stop', 'audit:stop', 'smtp-a:stop']);
    expect(fixtureLog().slice(3)).toEqual(['store-memory:stop', 'store-memory:close']);
    expect(kernel.status().map((r) => r.state)).toEqual(['stopped', 'stopped', 'stopped', 'stopped']);
  });

  it('opens a store passed to createKernel before providers start and closes it after they stop', async () => {
    app = await createTestApp(['xport-hook-audit']);
    const calls: string[] = [];
    const log = (globalThis as { __xportFixtureLog?: string[] }).__xportFixtureLog as string[];
    const memory = createMemoryStore();
    const [open, close] = [memory.open.bind(memory), memory.close.bind(memory)];
    const store = Object.assign(memory, { open: async () => void (log.push('store:open'), await open()), close: async () => void (log.push('store:close'), await close()) });
    kernel = createKernel({ root: app.root, env: {}, store });
    await kernel.start();
    await kernel.stop();
    calls.push(...fixtureLog());
    expect(calls).toEqual(['store:open', 'audit:logon', 'audit:start', 'audit:stop', 'store:close']);
    expect(kernel.store()).toBe(store);
  });

  it('refuses to start with a store passed to createKernel that lacks contract methods (XPORT_STORE_INCOMPATIBLE), before opening it', async () => {
    app = await createTestApp(['xport-hook-audit']);
    const log = (globalThis as { __xportFixtureLog?: string[] }).__xportFixtureLog as string[];
    const store = { open: async () => void log.push('store:open'), close: async () => void log.push('store:close') } as never;
    kernel = createKernel({ root: app.root, env: {}, store });
    await expect(kernel.start()).rejects.toMatchObject({
      code: 'XPORT_STORE_INCOMPATIBLE',
      message: expect.stringMatching(/^the message store passed to createKernel\(\{ store \}\) does not implement the MessageStore contract this kernel calls \(missing: submit, claim, complete, .*claimStranded\); the kernel does not start with it$/),
    });
    expect(fixtureLog()).toEqual([]);
    expect(() => kernel!.spooler()).toThrow(expect.objectContaining({ code: 'XPORT_KERNEL_STOPPED' }));
  });

  it('refuses to start with a store provider that lacks contract methods, naming its package and what it lacks', async () => {
    app = await createTestApp(['store-incomplete', 'xport-hook-audit'], { store: { provider: 'store-partial' } });
    kernel = createKernel({ root: app.root, env: {} });
    const error = await kernel.start().then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'XPORT_STORE_INCOMPATIBLE', message: expect.stringContaining('store-incomplete: the store provider it created does not implement the MessageStore contract this kernel calls (missing: complete, makeDue,') });
    expect(kernel.status().find((r) => r.id === 'store-partial')).toMatchObject({ state: 'failed', lastError: { code: 'XPORT_STORE_INCOMPATIBLE' } });
    // Never opened, and no other provider started.
    expect(fixtureLog()).toEqual([]);
  });

  it('a stop() called while start() runs cuts it short: start() rejects with XPORT_KERNEL_STOPPED, nothing stays running, and it can start again', async () => {
    app = await createTestApp(['xport-hook-audit', 'xport-transport-alpha']);
    kernel = createKernel({ root: app.root, credentials, env: {} });
    const starting = kernel.start();
    const stopping = kernel.stop();
    await expect(starting).rejects.toMatchObject({ code: 'XPORT_KERNEL_STOPPED' });
    await stopping;
    expect(kernel.status().filter((r) => r.state === 'online')).toEqual([]);
    // Whatever had started was stopped again.
    for (const id of ['audit', 'alpha']) expect(fixtureLog().filter((l) => l === `${id}:stop`).length).toBe(fixtureLog().filter((l) => l === `${id}:start`).length);
    await kernel.start();
    expect(kernel.status().map((r) => r.state)).toEqual(['online', 'online']);
  });

  it('computes logon retry delays that double up to the maximum, with jitter in the upper half', () => {
    const policy = { minDelayMs: 1000, maxDelayMs: 300_000 };
    expect([0, 1, 2, 3].map((n) => logonRetryDelay(n, policy, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect(logonRetryDelay(20, policy, () => 1)).toBe(300_000);
    expect(logonRetryDelay(3, policy, () => 0)).toBe(4000);
  });

  it('logs the failure reason through the injected logger, scoped to the provider', async () => {
    app = await createTestApp(['start-throws']);
    const logger = createCaptureLogger();
    kernel = createKernel({ root: app.root, env: {}, logger });
    await kernel.start();
    const line = logger.lines.find((l) => l.message === 'provider failed to start');
    expect(line?.fields).toMatchObject({ provider: 'start-throws', error: { code: 'XPORT_PROVIDER_START_FAILED' } });
  });
});
