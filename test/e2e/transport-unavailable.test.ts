import { afterEach, describe, expect, it } from 'vitest';
import { createKernel, type Kernel, type ProviderStateChange } from '@xport/core';
import { loopbackControl } from '@xport/provider-loopback';
import { createE2eApp, type E2eApp } from './test-app.js';

/** The next state change of provider `id` to `to`. */
function nextChange(kernel: Kernel, id: string, to: string): Promise<ProviderStateChange> {
  return new Promise((resolve) => {
    const off = kernel.on('provider-state', (change) => {
      if (change.id !== id || change.to !== to) return;
      off();
      resolve(change);
    });
  });
}

// A transport that says through availability() that it lost its service is taken offline by the
// spooler, logs on again, and sends what waited once it is back.
describe('a transport reporting itself unavailable', () => {
  let app: E2eApp | undefined;
  let kernel: Kernel | undefined;

  afterEach(async () => {
    await kernel?.stop();
    await app?.cleanup();
  });

  it('goes offline with XPORT_PROVIDER_UNAVAILABLE, comes back through logon, and delivers what waited', async () => {
    app = await createE2eApp(['provider-loopback', 'store-memory'], {
      store: { provider: 'store-memory' },
      transportOrder: ['loopback'],
      spooler: { pollMs: 50 },
      logonRetry: { minDelayMs: 20, maxDelayMs: 40 },
    });
    kernel = createKernel({ root: app.root });
    await kernel.start();
    const control = loopbackControl(kernel.transport('loopback'));
    const offline = nextChange(kernel, 'loopback', 'offline');
    control.setOffline(true);
    await kernel.submit({ from: 'loopback:alice', to: ['loopback:bob'], text: 'waits for the transport' });
    await offline;
    expect(kernel.status().find((row) => row.id === 'loopback')?.lastError).toMatchObject({ code: 'XPORT_PROVIDER_UNAVAILABLE', message: expect.stringContaining('reported itself unavailable') });
    expect(control.handedOver).toBe(0);

    const online = nextChange(kernel, 'loopback', 'online');
    const delivered = new Promise((resolve) => kernel!.spooler().on('delivered', resolve));
    control.setOffline(undefined);
    await online;
    await delivered;
    expect(control.handedOver).toBe(1);
    expect(await kernel.store()!.listInbox('loopback:bob')).toHaveLength(1);
  });
});
