import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageStore } from '@xport/provider-sdk';
import { createSqliteStore } from '@xport/store-sqlite';
import { createApiApp, type ApiApp } from './support/api-app.js';

let app: ApiApp | undefined;
afterEach(async () => {
  await app?.cleanup();
  app = undefined;
});

interface SuppressionView {
  readonly address: string;
  readonly suppressed: boolean;
  readonly manual: boolean;
  readonly reason?: string;
  readonly expiresAt: string | null;
  readonly hardBounces: number;
}

describe('the suppression list over HTTP', () => {
  it('adds, lists (paged) and removes addresses; a submit to a listed one fails it at once', async () => {
    app = await createApiApp({ config: { providers: { loopback: { config: { offline: true } } } } });
    const added = await app.request({ method: 'POST', url: '/v1/suppressions', payload: { address: 'Bob <loopback:bob>', reason: 'complaint' } });
    expect(added.status).toBe(201);
    expect(added.headers.location).toBe('/v1/suppressions/loopback%3Abob');
    expect(added.json<SuppressionView>()).toMatchObject({ address: 'loopback:bob', suppressed: true, manual: true, reason: 'complaint', expiresAt: null, hardBounces: 0 });
    expect((await app.request({ method: 'POST', url: '/v1/suppressions', payload: { address: 'carol@Example.ORG' } })).status).toBe(201);

    const page1 = (await app.request({ method: 'GET', url: '/v1/suppressions?limit=1' })).json<{ entries: SuppressionView[]; nextCursor: string | null }>();
    expect(page1.entries.map((e) => e.address)).toHaveLength(1);
    const page2 = (await app.request({ method: 'GET', url: `/v1/suppressions?limit=1&cursor=${encodeURIComponent(page1.nextCursor!)}` })).json<{ entries: SuppressionView[]; nextCursor: string | null }>();
    expect([...page1.entries, ...page2.entries].map((e) => e.address).sort()).toEqual(['loopback:bob', 'smtp:carol@example.org']);
    expect(page2.nextCursor).toBeNull();

    const submitted = await app.request({ method: 'POST', url: '/v1/messages', payload: { from: 'loopback:me', to: ['loopback:bob', 'loopback:dave'], text: 'hi' } });
    expect(submitted.status).toBe(202);
    expect(submitted.json<{ recipients: Array<{ provider: string | null; state: string }> }>().recipients.map((r) => [r.provider, r.state])).toEqual([
      [null, 'failed'],
      ['loopback', 'queued'],
    ]);

    expect((await app.request({ method: 'DELETE', url: '/v1/suppressions/loopback%3Abob' })).status).toBe(204);
    const gone = await app.request({ method: 'DELETE', url: '/v1/suppressions/loopback%3Abob' });
    expect(gone.status).toBe(404);
    expect(gone.json()).toMatchObject({ code: 'XPORT_STORE_NOT_FOUND' });
    const bad = await app.request({ method: 'POST', url: '/v1/suppressions', payload: { address: 'not an address' } });
    expect(bad.status).toBe(422);
    expect(bad.json()).toMatchObject({ code: 'XPORT_ADDRESS_INVALID' });
  });

  it('answers 501 when the store keeps no suppression list', async () => {
    // The SQLite store without its optional suppression part, as a third-party store may be.
    const withoutList = (root: string): MessageStore => {
      const store = createSqliteStore({ path: join(root, 'plain.db') });
      return new Proxy(store, { get: (target, key) => (key === 'suppression' ? undefined : Reflect.get(target, key, target)) });
    };
    app = await createApiApp({ store: withoutList });
    const res = await app.request({ method: 'GET', url: '/v1/suppressions' });
    expect(res.status).toBe(501);
    expect(res.json()).toMatchObject({ code: 'XPORT_SUPPRESSION_UNSUPPORTED' });
    // Submits still work: nothing is suppressed.
    expect((await app.request({ method: 'POST', url: '/v1/messages', payload: { from: 'loopback:me', to: ['loopback:bob'], text: 'hi' } })).status).toBe(202);
  });
});
