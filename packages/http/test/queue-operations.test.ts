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

interface QueuePage {
  readonly recipients: Array<{ messageId: string; index: number; state: string; recipient: { address: string } }>;
  readonly nextCursor: string | null;
}

async function submit(to: string[]): Promise<string> {
  const res = await app!.request({ method: 'POST', url: '/v1/messages', payload: { from: 'loopback:me', to, subject: 'ops', text: 'x' } });
  expect(res.status).toBe(202);
  return res.json<{ messageId: string }>().messageId;
}

const operate = (operation: string, payload: unknown) => app!.request({ method: 'POST', url: `/v1/queue/${operation}`, payload: payload as Record<string, unknown> });
const list = async (query: string): Promise<QueuePage> => (await app!.request({ method: 'GET', url: `/v1/queue?${query}` })).json<QueuePage>();

describe('the queue by filter and bulk operations over HTTP', () => {
  it('lists by filter, holds with a dry run first, releases by message id, and deletes with an NDR', async () => {
    // An offline transport: everything stays queued until the test says otherwise.
    app = await createApiApp({ config: { providers: { loopback: { config: { offline: true } } } } });
    const first = await submit(['loopback:ada', 'loopback:bob']);
    const second = await submit(['loopback:cy']);

    expect((await list('type=LOOPBACK&limit=10')).recipients.map((r) => r.recipient.address)).toEqual(['ada', 'bob', 'cy']);
    expect((await list(`message=${second}`)).recipients.map((r) => [r.messageId, r.index])).toEqual([[second, 0]]);
    expect((await list(`message=${first}&message=${second}&limit=2`)).nextCursor).toEqual(expect.any(String));

    const dry = await operate('hold', { filter: { providers: ['loopback'] }, dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.json()).toEqual({ operation: 'hold', dryRun: true, changed: 3, skippedInFlight: 0, messages: 0, batches: 0, reports: 0 });
    expect((await list('state=held')).recipients).toEqual([]);
    const held = (await operate('hold', { filter: { providers: ['loopback'] } })).json();
    expect(held).toMatchObject({ operation: 'hold', dryRun: false, changed: 3, skippedInFlight: 0, messages: 2 });
    expect((await list('state=held')).recipients.map((r) => r.recipient.address)).toEqual(['ada', 'bob', 'cy']);
    const { providers } = (await app.request({ method: 'GET', url: '/v1/providers' })).json<{ providers: Array<{ id: string; queue?: { held: number } }> }>();
    expect(providers.find((p) => p.id === 'loopback')?.queue).toMatchObject({ held: 3, queued: 0 });
    expect((await app.request({ method: 'GET', url: '/metrics' })).body).toMatch(/xport_queue_recipients\{provider="loopback",state="held"\} 3/);

    expect((await operate('release', { ids: [second] })).json()).toMatchObject({ changed: 1, messages: 1 });
    expect((await list('state=queued')).recipients.map((r) => r.recipient.address)).toEqual(['cy']);

    const deleted = (await operate('delete', { filter: { messageIds: [first] } })).json();
    expect(deleted).toMatchObject({ operation: 'delete', changed: 2, messages: 1, reports: 1 });
    const message = (await app.request({ method: 'GET', url: `/v1/messages/${first}` })).json<{ recipients: Array<{ state: string; lastError?: { code: string } }>; finishedAt?: string }>();
    expect(message.recipients.map((r) => [r.state, r.lastError?.code])).toEqual([
      ['aborted', '5.0.0'],
      ['aborted', '5.0.0'],
    ]);
    expect(message.finishedAt).toEqual(expect.any(String));
    const ndr = (await app.request({ method: 'GET', url: '/v1/inbox/loopback:me' })).json<{ entries: Array<{ envelope: { kind: string; reportFor?: string } }> }>();
    expect(ndr.entries.map((e) => [e.envelope.kind, e.envelope.reportFor])).toEqual([['report.ndr', first]]);
  });

  it('answers 400 with a coded error for a filter that selects everything without all: true, and takes all: true', async () => {
    app = await createApiApp({ config: { providers: { loopback: { config: { offline: true } } } } });
    await submit(['loopback:ada']);
    for (const payload of [{}, { filter: {} }, { filter: { states: ['queued', 'in-flight', 'deferred', 'held'] } }]) {
      const refused = await operate('hold', payload);
      expect(refused.status).toBe(400);
      expect(refused.json()).toMatchObject({ code: 'XPORT_QUEUE_FILTER_UNBOUNDED' });
    }
    const mixed = await operate('hold', { filter: { all: true, domains: ['example.org'] } });
    expect(mixed.status).toBe(400);
    expect(mixed.json()).toMatchObject({ code: 'XPORT_QUEUE_FILTER_INVALID' });
    expect((await operate('nuke', { filter: { all: true } })).status).toBe(400);
    expect((await operate('hold', { filter: { all: true }, extra: 1 })).status).toBe(400);
    expect((await operate('hold', { filter: { all: true } })).json()).toMatchObject({ changed: 1 });
    expect((await operate('retry', { filter: { states: ['held'] } })).json()).toMatchObject({ changed: 0 });
  });

  it('lists the queue of a store without queue operations unfiltered, and answers 501 for a filter or an operation', async () => {
    // The SQLite store without its optional operations part, as a third-party store may be.
    const withoutOperations = (root: string): MessageStore => {
      const store = createSqliteStore({ path: join(root, 'plain.db') });
      return new Proxy(store, { get: (target, key) => (key === 'operations' ? undefined : Reflect.get(target, key, target)) });
    };
    app = await createApiApp({ store: withoutOperations, config: { providers: { loopback: { config: { offline: true } } } } });
    const first = await submit(['loopback:ada', 'loopback:bob']);
    const second = await submit(['loopback:cy']);
    const page1 = await list('limit=1');
    expect(page1.recipients.map((r) => [r.messageId, r.recipient.address])).toEqual([
      [first, 'ada'],
      [first, 'bob'],
    ]);
    const page2 = await list(`limit=1&cursor=${encodeURIComponent(page1.nextCursor!)}`);
    expect(page2).toEqual({ recipients: [expect.objectContaining({ messageId: second })], nextCursor: null });
    for (const res of [await app.request({ method: 'GET', url: '/v1/queue?state=held' }), await operate('hold', { filter: { all: true } })]) {
      expect(res.status).toBe(501);
      expect(res.json()).toMatchObject({ code: 'XPORT_QUEUE_OPERATIONS_UNSUPPORTED' });
    }
  });

  it('holds with expire: true (shown as expiresWhileHeld in the queue and the message), and answers 400 for expire on another operation or not a boolean', async () => {
    app = await createApiApp({ config: { providers: { loopback: { config: { offline: true } } } } });
    const id = await submit(['loopback:lapses', 'loopback:waits']);
    const first = { filter: { messageIds: [id] } };
    for (const operation of ['release', 'retry', 'delete']) {
      const refused = await operate(operation, { ...first, expire: true });
      expect(refused.status).toBe(400);
      expect(refused.json()).toMatchObject({ code: 'XPORT_QUEUE_OPERATION_INVALID', message: `queue ${operation}: expire applies to hold only (it lets held recipients expire); ${operation} takes no expire` });
    }
    for (const expire of ['true', 1, null, { on: true }]) {
      const malformed = await operate('hold', { ...first, expire });
      expect(malformed.status).toBe(400);
      expect(malformed.json()).toMatchObject({ code: 'XPORT_HTTP_REQUEST_INVALID' });
    }
    expect((await operate('hold', { ...first, expires: true })).json()).toMatchObject({ code: 'XPORT_HTTP_REQUEST_INVALID' });
    expect((await list(`message=${id}`)).recipients.map((r) => r.state)).toEqual(['queued', 'queued']);

    // A dry run counts the same with or without expire.
    const dry = (await operate('hold', { ...first, expire: true, dryRun: true })).json();
    expect(dry).toEqual({ operation: 'hold', dryRun: true, changed: 2, skippedInFlight: 0, messages: 0, batches: 0, reports: 0 });
    expect((await operate('hold', { ...first, dryRun: true })).json()).toEqual(dry);
    const held = await operate('hold', { filter: { messageIds: [id], states: ['queued'] }, ids: [id], expire: true });
    expect(held.status).toBe(200);
    expect(held.json()).toMatchObject({ operation: 'hold', changed: 2, messages: 1 });
    // expire: false on another operation is simply no expire.
    expect((await operate('release', { filter: { messageIds: [id], states: ['held'] }, expire: false, dryRun: true })).json()).toMatchObject({ changed: 2 });

    const queue = (await list(`message=${id}`)).recipients as Array<QueuePage['recipients'][number] & { expiresWhileHeld?: boolean }>;
    expect(queue.map((r) => [r.recipient.address, r.state, r.expiresWhileHeld])).toEqual([
      ['lapses', 'held', true],
      ['waits', 'held', true],
    ]);
    const message = (await app.request({ method: 'GET', url: `/v1/messages/${id}` })).json<{ recipients: Array<{ state: string; expiresWhileHeld?: boolean }> }>();
    expect(message.recipients.map((r) => [r.state, r.expiresWhileHeld])).toEqual([
      ['held', true],
      ['held', true],
    ]);
    expect((await operate('release', { ids: [id] })).json()).toMatchObject({ changed: 2 });
    expect((await list(`message=${id}`)).recipients.map((r) => [r.state, 'expiresWhileHeld' in r])).toEqual([
      ['queued', false],
      ['queued', false],
    ]);
  });
});
