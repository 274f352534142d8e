import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { containProviderFault, createKernel, type Kernel } from '../src/index.js';
import { createCaptureLogger, createTestApp, resetFixtureGlobals, type TestApp } from './helpers/test-app.js';

let app: TestApp | undefined;
let kernel: Kernel | undefined;
const globals = globalThis as { __xportFaultProbe?: (label: string) => void; __xportFixtureMakeError?: (message: string) => Error };

beforeEach(resetFixtureGlobals);
afterEach(async () => {
  await kernel?.stop();
  await app?.cleanup();
  app = undefined;
  kernel = undefined;
  delete globals.__xportFaultProbe;
  delete globals.__xportFixtureMakeError;
});

/** Collects, per probe label, whom the kernel blames for an error surfacing right there. */
function installProbe(count: number): Promise<Map<string, string | undefined>> {
  const blamed = new Map<string, string | undefined>();
  return new Promise((resolve) => {
    globals.__xportFaultProbe = (label) => {
      blamed.set(label, containProviderFault(new Error(`fixture fault: ${label}`), 'uncaughtException'));
      if (blamed.size === count) resolve(blamed);
    };
  });
}

describe('errors a provider leaves unhandled', () => {
  it('are blamed on the provider whose start() or send() left the timer behind, logged with its id and shown in its status row', async () => {
    app = await createTestApp(['faulty-timers', 'xport-hook-audit']);
    const logger = createCaptureLogger();
    kernel = createKernel({ root: app.root, env: {}, logger });
    const faults: string[] = [];
    kernel.on('provider-fault', (fault) => faults.push(`${fault.id} ${fault.origin} ${fault.error.code}`));
    const fromStart = installProbe(1);
    await kernel.start();
    expect(await fromStart).toEqual(new Map([['timer left by start()', 'faulty-timers']]));

    const fromSend = installProbe(1);
    await kernel.transport('faulty-timers')!.send({} as never, [] as never, {} as never);
    expect(await fromSend).toEqual(new Map([['timer left by send()', 'faulty-timers']]));

    expect(kernel.status().find((r) => r.id === 'faulty-timers')).toMatchObject({
      state: 'online',
      lastError: { code: 'XPORT_PROVIDER_FAULT', message: 'provider "faulty-timers" threw an exception nothing caught: Error: fixture fault: timer left by send()' },
    });
    expect(faults).toEqual(['faulty-timers uncaughtException XPORT_PROVIDER_FAULT', 'faulty-timers uncaughtException XPORT_PROVIDER_FAULT']);
    const lines = logger.lines.filter((l) => l.message === 'provider left an error unhandled; the kernel contained it');
    expect(lines.map((l) => [l.fields.provider, l.fields.origin])).toEqual([
      ['faulty-timers', 'uncaughtException'],
      ['faulty-timers', 'uncaughtException'],
    ]);
  });

  it('are blamed by the provider files on their stack when no provider code is running, and never on a provider for the kernel\'s own', async () => {
    app = await createTestApp(['faulty-timers']);
    kernel = createKernel({ root: app.root, env: {} });
    await kernel.start();
    const made = globals.__xportFixtureMakeError!('made inside the fixture module');
    expect(made.stack).toContain(app.dirOf('faulty-timers'));
    expect(containProviderFault(made, 'unhandledRejection')).toBe('faulty-timers');
    expect(kernel.status()[0]?.lastError).toEqual({
      code: 'XPORT_PROVIDER_FAULT',
      message: 'provider "faulty-timers" rejected a promise nothing handled: Error: made inside the fixture module',
    });
    expect(containProviderFault(new Error('the kernel\'s own bug'), 'uncaughtException')).toBeUndefined();
    expect(containProviderFault('a bare string', 'unhandledRejection')).toBeUndefined();
    // A stopped provider is forgotten: its files no longer attribute anything.
    await kernel.stop();
    expect(containProviderFault(made, 'unhandledRejection')).toBeUndefined();
  });
});
