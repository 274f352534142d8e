import { afterEach, describe, expect, it } from 'vitest';
import { createKernel, createRoutingTable } from '../src/index.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

let app: TestApp | undefined;
afterEach(async () => app?.cleanup());

describe('routing table', () => {
  it('orders providers per address type by transportOrder, case-insensitively', () => {
    const table = createRoutingTable(
      [
        { id: 'loopback', addressTypes: ['loopback', 'SMTP'] },
        { id: 'smtp-backup', addressTypes: ['smtp'] },
        { id: 'smtp-primary', addressTypes: ['Smtp'] },
      ],
      ['smtp-primary', 'smtp-backup', 'loopback'],
    );
    expect(table.providersFor('SMTP')).toEqual(['smtp-primary', 'smtp-backup', 'loopback']);
    expect(table.providersFor('loopback')).toEqual(['loopback']);
    expect(table.providersFor('fax')).toEqual([]);
    expect(table.addressTypes()).toEqual(['loopback', 'smtp']);
  });

  it('is built from valid, enabled transports only', async () => {
    app = await createTestApp(['xport-smtp-a', 'xport-smtp-b', 'xport-hook-audit', 'bad-id']);
    const kernel = createKernel({ root: app.root, env: {}, config: { providers: { 'smtp-a': { enabled: false } } } });
    expect(kernel.routing().addressTypes()).toEqual([]);
    await kernel.discover();
    expect(kernel.routing().providersFor('smtp')).toEqual(['smtp-b']);
    expect(kernel.routing().addressTypes()).toEqual(['smtp', 'x400']);
  });
});
