import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createE2eApp, type E2eApp } from './test-app.js';
import { xport } from './cli-run.js';

// The CLI's embedded default store is the store-sqlite provider, run as if xport.config.json named
// it: `providers.store-sqlite` is honoured (docs/cli.md), whether or not the application installed
// the package itself.

const send = (app: E2eApp) => xport(app, ['send', '--from', 'loopback:me', '--to', 'loopback:you', '--text', 'kept where configured', '--json']);

describe('the CLI without store.provider: the embedded default store', () => {
  let app: E2eApp | undefined;
  afterEach(async () => app?.cleanup());

  it('keeps the queue where providers.store-sqlite.config.path says, with the CLI’s own store package', async () => {
    app = await createE2eApp(['provider-loopback'], { transportOrder: ['loopback'], providers: { 'store-sqlite': { config: { path: 'data/queue.db' } } } });
    const sent = await send(app);
    expect(sent.err).toBe('');
    expect(sent.code).toBe(0);
    expect(existsSync(join(app.root, 'data', 'queue.db'))).toBe(true);
    expect(existsSync(join(app.root, '.xport', 'store.db'))).toBe(false);
    const queue = await xport(app, ['queue', '--json']);
    expect(JSON.parse(queue.out).map((row: { id: string }) => row.id)).toEqual([JSON.parse(sent.out).messageId]);
    // The store is a provider like any other: listed once, valid.
    const providers = JSON.parse((await xport(app, ['providers', '--json'])).out) as Array<{ id: string; packageName: string; kind: string; status: string }>;
    expect(providers.filter((p) => p.id === 'store-sqlite')).toEqual([expect.objectContaining({ packageName: '@xport/store-sqlite', kind: 'store', status: 'ok' })]);
  });

  it('uses the application’s own store-sqlite when node_modules has one (no duplicate id)', async () => {
    app = await createE2eApp(['provider-loopback', 'store-sqlite'], { transportOrder: ['loopback'], providers: { 'store-sqlite': { config: { path: 'data/own.db' } } } });
    expect((await send(app)).code).toBe(0);
    expect(existsSync(join(app.root, 'data', 'own.db'))).toBe(true);
    const providers = JSON.parse((await xport(app, ['providers', '--json'])).out) as Array<{ id: string; status: string }>;
    expect(providers.filter((p) => p.id === 'store-sqlite').map((p) => p.status)).toEqual(['ok']);
  });

  it('refuses a store-sqlite configuration its manifest does not allow, naming the field (exit 78)', async () => {
    app = await createE2eApp(['provider-loopback'], { transportOrder: ['loopback'], providers: { 'store-sqlite': { config: { synchronous: 'SOMETIMES' } } } });
    const sent = await send(app);
    expect(sent.code).toBe(78);
    expect(sent.err).toContain('XPORT_STORE_NOT_CONFIGURED');
    expect(sent.err).toContain('XPORT_PROVIDER_CONFIG_INVALID');
    expect(sent.err).toContain('synchronous');
    expect(existsSync(join(app.root, '.xport', 'store.db'))).toBe(false);
    const doctor = await xport(app, ['doctor', '--json']);
    expect(doctor.code).toBe(1);
    expect(JSON.parse(doctor.out).findings).toContainEqual(expect.objectContaining({ subject: 'store-sqlite', code: 'XPORT_PROVIDER_CONFIG_INVALID' }));
  });
});
