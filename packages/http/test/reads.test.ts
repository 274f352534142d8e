import { afterEach, describe, expect, it } from 'vitest';
import { createApiApp, type ApiApp } from './support/api-app.js';

let app: ApiApp | undefined;
afterEach(async () => {
  await app?.cleanup();
  app = undefined;
});

interface Page<T> {
  readonly nextCursor: string | null;
  readonly messages?: T[];
  readonly entries?: T[];
}

async function submit(subject: string, to = 'loopback:you'): Promise<string> {
  const res = await app!.request({ method: 'POST', url: '/v1/messages', payload: { from: 'loopback:me', to: [to], subject, text: `body of ${subject}` } });
  expect(res.status).toBe(202);
  return res.json<{ messageId: string }>().messageId;
}

describe('reading the queue, inboxes and providers', () => {
  it('pages the queue in submit order with an opaque cursor, one row per recipient', async () => {
    // An offline transport: everything stays queued.
    app = await createApiApp({ config: { providers: { loopback: { config: { offline: true } } } } });
    const ids = [await submit('one'), await submit('two'), await submit('three')];
    const first = await app.request({ method: 'GET', url: '/v1/queue?limit=2' });
    const page1 = first.json<Page<never> & { recipients: Array<{ messageId: string; state: string; provider: string; href: string }> }>();
    expect(page1.recipients.map((r) => r.messageId)).toEqual(ids.slice(0, 2));
    expect(page1.recipients[0]).toEqual(
      expect.objectContaining({ index: 0, state: 'queued', provider: 'loopback', attempts: 0, nextAttemptAt: expect.any(String), href: `/v1/messages/${ids[0]}` }),
    );
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = (await app.request({ method: 'GET', url: `/v1/queue?limit=2&cursor=${encodeURIComponent(page1.nextCursor!)}` })).json();
    expect(page2).toEqual({ recipients: [expect.objectContaining({ messageId: ids[2] })], nextCursor: null });
  });

  it('pages a mailbox newest first, filters unread entries, and serves one entry and its parts', async () => {
    app = await createApiApp();
    const all = new Promise<void>((resolve) => {
      let n = 0;
      app!.kernel.spooler().on('received', () => void (++n === 4 && resolve()));
    });
    for (const subject of ['a', 'b', 'c']) await submit(subject);
    await submit('elsewhere', 'loopback:someone-else');
    await all;

    const store = app.kernel.store()!;
    const page1 = (await app.request({ method: 'GET', url: '/v1/inbox/loopback:you?limit=2' })).json<Page<{ id: string; envelope: { subject: string }; parts: Array<{ href: string; partId: string }> }> & { mailbox: string }>();
    expect(page1.mailbox).toBe('loopback:you');
    expect(page1.entries!.map((e) => e.envelope.subject)).toEqual(['c', 'b']);
    const page2 = (await app.request({ method: 'GET', url: `/v1/inbox/loopback%3Ayou?limit=2&cursor=${page1.nextCursor}` })).json<Page<{ envelope: { subject: string } }>>();
    expect(page2.entries!.map((e) => e.envelope.subject)).toEqual(['a']);
    expect(page2.nextCursor).toBeNull();

    const newest = page1.entries![0]!;
    await store.markRead(newest.id, true);
    const unread = (await app.request({ method: 'GET', url: '/v1/inbox/loopback:you?unread=true' })).json<Page<{ envelope: { subject: string } }>>();
    expect(unread.entries!.map((e) => e.envelope.subject)).toEqual(['b', 'a']);

    const entry = await app.request({ method: 'GET', url: `/v1/inbox/loopback:you/${newest.id}` });
    expect(entry.json()).toMatchObject({ id: newest.id, mailbox: 'loopback:you', read: true, receivedBy: 'loopback' });
    const text = await app.request({ method: 'GET', url: newest.parts[0]!.href });
    expect(text.status).toBe(200);
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(text.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
    expect(text.body).toBe('body of c');

    // An entry is read under its own mailbox only, and a part under its own entry only.
    const other = (await app.request({ method: 'GET', url: '/v1/inbox/loopback:someone-else' })).json<Page<{ id: string; parts: Array<{ partId: string }> }>>().entries![0]!;
    expect((await app.request({ method: 'GET', url: `/v1/inbox/loopback:you/${other.id}` })).status).toBe(404);
    const foreignPart = await app.request({ method: 'GET', url: `/v1/inbox/loopback:you/${newest.id}/parts/${other.parts[0]!.partId}` });
    expect(foreignPart.status).toBe(404);
    expect(foreignPart.json()).toMatchObject({ code: 'XPORT_STORE_NOT_FOUND' });
  });

  it('answers the status table with the sides a transport reports and each transport\'s queue depth', async () => {
    app = await createApiApp({ fixtures: ['sided-transport'], config: { transportOrder: ['loopback', 'sided'], providers: { loopback: { config: { offline: true } } } } });
    await submit('waits');
    const { providers } = (await app.request({ method: 'GET', url: '/v1/providers' })).json<{ providers: Array<Record<string, unknown>> }>();
    const byId = new Map(providers.map((p) => [p.id, p]));
    expect(byId.get('sided')).toEqual({
      id: 'sided',
      packageName: 'xport-fixture-sided-transport',
      version: '1.0.0',
      kind: 'transport',
      addressTypes: ['sided'],
      state: 'online',
      enabled: true,
      sides: [
        { name: 'relay', state: 'down', detail: 'relay.example:587', error: { code: 'XPORT_PROVIDER_UNAVAILABLE', message: 'connection refused' } },
        { name: 'listener', state: 'up', detail: '127.0.0.1:2525' },
      ],
      queue: { queued: 0, inFlight: 0, deferred: 0, held: 0 },
    });
    expect(byId.get('loopback')).toMatchObject({ state: 'offline', lastError: { code: 'XPORT_PROVIDER_UNAVAILABLE' }, queue: { queued: 1, inFlight: 0, deferred: 0 } });
    expect(byId.get('store-sqlite')).toMatchObject({ kind: 'store', state: 'online' });
    expect(byId.get('store-sqlite')).not.toHaveProperty('queue');
    for (const row of providers) expect(row).not.toHaveProperty('directory');
  });
});
