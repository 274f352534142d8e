import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from '../src/index.js';
import { createCaptureLogger, createManualScheduler, createTestApp, fixtureLog, nextSettledState, resetFixtureGlobals, type TestApp } from './helpers/test-app.js';

let app: TestApp | undefined;
let kernel: Kernel | undefined;
const globals = globalThis as { __xportFixtureGates?: Record<string, Promise<void>> };

beforeEach(resetFixtureGlobals);
afterEach(async () => {
  await kernel?.stop();
  await app?.cleanup();
  app = undefined;
  kernel = undefined;
  delete globals.__xportFixtureGates;
});

const credentials = { alpha: { token: 't-alpha' } };
const row = (id: string) => kernel!.status().find((r) => r.id === id);

/** A gate the gated-start fixture waits on; `open()` lets its start() finish. */
function gate(name: string): { open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  globals.__xportFixtureGates = { ...globals.__xportFixtureGates, [name]: promise };
  return { open };
}

/** Lets every pending promise reaction run (a macrotask comes only after all microtasks). */
const settleReactions = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('bounded provider lifecycle', () => {
  it('marks each provider whose import, create, logon or start never settles with XPORT_PROVIDER_TIMEOUT, and the others come online', async () => {
    app = await createTestApp(['hangs-on-import', 'hangs-on-create', 'hangs-on-logon', 'gated-start', 'xport-transport-alpha', 'xport-hook-audit']);
    const scheduler = createManualScheduler();
    // Long enough for a healthy provider on a loaded machine; the hung ones wait it out once each, in parallel.
    const limit = 3000;
    kernel = createKernel({
      root: app.root,
      env: {},
      credentials,
      scheduler,
      config: { lifecycle: { importTimeoutMs: limit, createTimeoutMs: limit, logonTimeoutMs: limit, startTimeoutMs: limit } },
    });
    await kernel.start();
    expect(row('hang-import')).toMatchObject({
      state: 'failed',
      lastError: { code: 'XPORT_PROVIDER_TIMEOUT', message: `provider "hang-import": importing its entry module did not settle within ${limit} ms (lifecycle.importTimeoutMs); the kernel gave up on it` },
    });
    expect(row('hang-create')).toMatchObject({
      state: 'failed',
      lastError: { code: 'XPORT_PROVIDER_TIMEOUT', message: `provider "hang-create": create() did not settle within ${limit} ms (lifecycle.createTimeoutMs); the kernel gave up on it` },
    });
    // Logon and start are retried with the logon backoff: they may only be slow.
    expect(row('hang-logon')).toMatchObject({
      state: 'offline',
      lastError: { code: 'XPORT_PROVIDER_TIMEOUT', message: `provider "hang-logon": logon() did not settle within ${limit} ms (lifecycle.logonTimeoutMs); logging on again with backoff` },
    });
    expect(row('gated-start')).toMatchObject({
      state: 'offline',
      lastError: { code: 'XPORT_PROVIDER_TIMEOUT', message: `provider "gated-start": start() did not settle within ${limit} ms (lifecycle.startTimeoutMs); logging on again with backoff` },
    });
    expect(scheduler.active()).toBe(2);
    expect(row('alpha')?.state).toBe('online');
    expect(row('audit')?.state).toBe('online');
    expect(kernel.hooks()).toHaveLength(1);
  });

  it('a provider whose import never settles holds up neither the other providers nor stop()', async () => {
    app = await createTestApp(['hangs-on-import', 'xport-transport-alpha']);
    // No deadline will rescue this start: only stop() can end it.
    kernel = createKernel({ root: app.root, env: {}, credentials, config: { lifecycle: { importTimeoutMs: 600_000 } } });
    const alphaSettled = nextSettledState(kernel, 'alpha');
    const starting = kernel.start();
    expect(await alphaSettled).toBe('online');
    expect(kernel.providerState('hang-import')).toBe('loading');
    // The imports run side by side: alpha may be online before the other module's body has begun.
    await expect.poll(() => fixtureLog(), { timeout: 60_000 }).toContain('hang-import:import');
    expect(kernel.providerState('hang-import')).toBe('loading');
    await kernel.stop();
    await expect(starting).rejects.toMatchObject({ code: 'XPORT_KERNEL_STOPPED' });
    expect(kernel.status().map((r) => [r.id, r.state])).toEqual([
      ['hang-import', 'stopped'],
      ['alpha', 'stopped'],
    ]);
    expect(fixtureLog()).toContain('alpha:stop');
  });

  it('keeps a start() that finishes after its deadline: the next logon brings the provider online without starting it twice', async () => {
    app = await createTestApp(['gated-start']);
    const scheduler = createManualScheduler();
    const started = gate('gated-start');
    kernel = createKernel({ root: app.root, env: {}, scheduler, config: { lifecycle: { startTimeoutMs: 200 } } });
    await kernel.start();
    expect(row('gated-start')).toMatchObject({ state: 'offline', lastError: { code: 'XPORT_PROVIDER_TIMEOUT' } });
    started.open();
    await settleReactions();
    expect(fixtureLog()).toContain('gated-start:started');
    // Still offline: a late step changes no state by itself.
    expect(kernel.providerState('gated-start')).toBe('offline');
    const settled = nextSettledState(kernel, 'gated-start');
    scheduler.fireNext();
    expect(await settled).toBe('online');
    expect(fixtureLog().filter((line) => line === 'gated-start:start')).toHaveLength(1);
    expect(fixtureLog().filter((line) => line === 'gated-start:logon')).toHaveLength(2);
    await kernel.stop();
    expect(fixtureLog()).toContain('gated-start:stop');
  });

  it('stops a start() that finishes only after the kernel stopped, so nothing it opened outlives the kernel', async () => {
    app = await createTestApp(['gated-start']);
    const started = gate('gated-start');
    kernel = createKernel({ root: app.root, env: {}, scheduler: createManualScheduler(), config: { lifecycle: { startTimeoutMs: 200 } } });
    await kernel.start();
    await kernel.stop();
    expect(kernel.providerState('gated-start')).toBe('stopped');
    expect(fixtureLog()).not.toContain('gated-start:stop');
    started.open();
    await settleReactions();
    expect(fixtureLog().slice(-2)).toEqual(['gated-start:started', 'gated-start:stop']);
    expect(kernel.providerState('gated-start')).toBe('stopped');
  });

  it('abandons a stop() that never settles after lifecycle.stopTimeoutMs (spooler.stopTimeoutMs when unset) and still stops the rest', async () => {
    app = await createTestApp(['hangs-on-stop', 'xport-hook-audit']);
    const logger = createCaptureLogger();
    kernel = createKernel({ root: app.root, env: {}, logger, config: { spooler: { stopTimeoutMs: 150 } } });
    await kernel.start();
    await kernel.stop();
    expect(row('hang-stop')).toMatchObject({
      state: 'stopped',
      lastError: { code: 'XPORT_PROVIDER_TIMEOUT', message: 'provider "hang-stop": stop() did not finish within 150 ms; the kernel stopped waiting for it and will not call it again' },
    });
    expect(row('audit')?.state).toBe('stopped');
    expect(logger.lines.find((l) => l.message === 'provider did not stop in time; abandoned')?.fields).toMatchObject({ provider: 'hang-stop', timeoutMs: 150 });

    kernel = createKernel({ root: app.root, env: {}, config: { spooler: { stopTimeoutMs: 600_000 }, lifecycle: { stopTimeoutMs: 120 } } });
    await kernel.start();
    await kernel.stop();
    expect(row('hang-stop')?.lastError?.message).toContain('stop() did not finish within 120 ms');
  });
});
