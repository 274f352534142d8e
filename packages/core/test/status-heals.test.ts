import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from '../src/index.js';
import { createManualScheduler, createTestApp, nextSettledState, resetFixtureGlobals, type TestApp } from './helpers/test-app.js';

let app: TestApp | undefined;
let kernel: Kernel | undefined;
beforeEach(resetFixtureGlobals);
afterEach(async () => {
  await kernel?.stop();
  await app?.cleanup();
  app = undefined;
  kernel = undefined;
});

const T0 = Date.UTC(2026, 0, 1);
const UNREACHABLE = { code: 'XPORT_PROVIDER_UNAVAILABLE', message: 'logon-unavailable: server unreachable' };

describe('status that heals', () => {
  it('shows the current error with its time while a provider is down, none once it is back online, and keeps the errors as history', async () => {
    app = await createTestApp(['logon-unavailable']);
    const scheduler = createManualScheduler();
    let now = T0;
    kernel = createKernel({ root: app.root, env: {}, scheduler, clock: { now: () => now } });
    const row = () => kernel!.status().find((r) => r.id === 'logon-unavailable')!;
    await kernel.start();
    expect(row()).toMatchObject({ state: 'offline', lastError: UNREACHABLE, lastErrorAt: T0, errorHistory: [{ ...UNREACHABLE, at: T0 }] });

    now = T0 + 1_000;
    let settled = nextSettledState(kernel, 'logon-unavailable');
    scheduler.fireNext();
    expect(await settled).toBe('offline');
    expect(row()).toMatchObject({ lastError: UNREACHABLE, lastErrorAt: T0 + 1_000 });
    expect(row().errorHistory?.map((e) => e.at)).toEqual([T0 + 1_000, T0]);

    (globalThis as Record<string, unknown>).__xportFixtureServerUp = true;
    now = T0 + 3_000;
    settled = nextSettledState(kernel, 'logon-unavailable');
    scheduler.fireNext();
    expect(await settled).toBe('online');
    const healed = row();
    expect(healed.state).toBe('online');
    expect(healed.lastError).toBeUndefined();
    expect(healed.lastErrorAt).toBeUndefined();
    expect(healed.errorHistory).toEqual([
      { ...UNREACHABLE, at: T0 + 1_000 },
      { ...UNREACHABLE, at: T0 },
    ]);
  });

  it('keeps at most five errors of history, newest first', async () => {
    app = await createTestApp(['logon-unavailable']);
    const scheduler = createManualScheduler();
    let now = T0;
    kernel = createKernel({ root: app.root, env: {}, scheduler, clock: { now: () => now } });
    await kernel.start();
    for (let i = 1; i <= 6; i++) {
      now = T0 + i;
      const settled = nextSettledState(kernel, 'logon-unavailable');
      scheduler.fireNext();
      await settled;
    }
    expect(kernel.status()[0]?.errorHistory?.map((e) => e.at)).toEqual([T0 + 6, T0 + 5, T0 + 4, T0 + 3, T0 + 2]);
  });
});
