import {
  isProviderDefinition,
  toMailboxKey,
  XportError,
  type AssignedRecipient,
  type ContentPartInput,
  type InboundPort,
  type Logger,
  type MessageStore,
  type OutboundMessage,
} from '@xport/provider-sdk';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../store-memory/src/index.js';
import { createLoopbackTransport, loopbackControl, loopbackProvider, type LoopbackConfig } from '../src/index.js';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

/** A real inbound port over a real store: one inbox entry per recipient mailbox. */
function storeInbound(store: MessageStore, calls: string[] = []): InboundPort {
  return {
    async deliver(m) {
      calls.push(m.idempotencyKey ?? '');
      const parts: ContentPartInput[] = [];
      if (m.text !== undefined) parts.push({ kind: 'text', contentType: 'text/plain', content: m.text });
      for (const a of m.attachments ?? []) parts.push({ kind: 'attachment', contentType: a.contentType ?? 'application/octet-stream', filename: a.filename, content: a.content });
      const entries = await store.receive({
        mailboxes: m.recipients.map((r) => toMailboxKey(r)),
        envelope: { subject: m.subject, headers: m.headers ?? {}, kind: m.kind ?? 'note', deliveryReport: false, suppressNdr: false, ...(m.from ? { from: m.from } : {}) },
        parts,
        receivedAt: 0,
        ...(m.receivedBy ? { receivedBy: m.receivedBy } : {}),
        ...(m.idempotencyKey ? { idempotencyKey: m.idempotencyKey } : {}),
      });
      return { entries, rejected: [] };
    },
  };
}

async function text(store: MessageStore, partId: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of store.openPart(partId)) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

let store: MessageStore;
let message: OutboundMessage;
let recipients: AssignedRecipient[];
beforeEach(async () => {
  store = createMemoryStore();
  await store.open();
  const to = ['alice', 'bob', 'carol'].map((address) => ({ recipient: { type: 'loopback', address }, role: 'to' as const, provider: 'loopback' }));
  const { messageId } = await store.submit({
    envelope: { from: { type: 'loopback', address: 'me' }, subject: 'hi', headers: { 'X-Test': '1' }, kind: 'note', deliveryReport: false, suppressNdr: false },
    recipients: to,
    parts: [
      { kind: 'text', contentType: 'text/plain', content: 'hello' },
      { kind: 'attachment', contentType: 'text/csv', filename: 'a.csv', content: 'x,y' },
    ],
    submittedAt: 0,
    expiresAt: 1e12,
  });
  const stored = (await store.getMessage(messageId))!;
  message = { ...stored, recipients: stored.recipients.map((r) => ({ recipient: r.recipient, role: r.role })), openPart: (id) => store.openPart(id) };
  recipients = stored.recipients.map((r) => ({ index: r.index, recipient: r.recipient, role: r.role, attempts: 0 }));
});

function transport(id: string, config: LoopbackConfig = {}, calls?: string[]) {
  return createLoopbackTransport({ providerId: id, config, inbound: storeInbound(store, calls), logger: silent });
}
const signal = () => new AbortController().signal;

describe('loopback transport', () => {
  it('delivers each recipient into its loopback mailbox through the inbound port, content included', async () => {
    const outcomes = await transport('lb-1').send(message, recipients, { signal: signal() });
    expect(outcomes).toEqual(['alice', 'bob', 'carol'].map((a) => ({ status: 'delivered', diagnostic: `loopback: delivered to mailbox loopback:${a}` })));
    const [entry] = await store.listInbox('loopback:bob');
    expect(entry).toMatchObject({ receivedBy: 'lb-1', envelope: { subject: 'hi', from: { address: 'me' }, headers: { 'X-Test': '1' } } });
    expect(await text(store, entry!.parts[0]!.partId)).toBe('hello');
    const attachment = entry!.parts.find((p) => p.kind === 'attachment')!;
    expect([attachment.filename, await text(store, attachment.partId)]).toEqual(['a.csv', 'x,y']);
  });

  it('fails configured addresses permanently and defers every Nth hand-over', async () => {
    const faulty = transport('lb-2', { failAddresses: ['alice'], deferEvery: 3 });
    const outcomes = await faulty.send(message, recipients, { signal: signal() });
    expect(outcomes).toMatchObject([{ status: 'failed', code: '5.1.1' }, { status: 'delivered' }, { status: 'deferred', code: '4.3.0' }]);
    expect(await store.listInbox('loopback:alice')).toEqual([]);
    expect(await store.listInbox('loopback:carol')).toEqual([]);
    expect(loopbackControl(faulty).handedOver).toBe(3);
  });

  it('defers deferAddresses at every attempt and answers not-me for notMeAddresses, delivering the rest', async () => {
    const t = transport('lb-5', { deferAddresses: ['alice'], notMeAddresses: ['carol'] });
    for (const attempts of [0, 1]) {
      const outcomes = await t.send(message, recipients.map((r) => ({ ...r, attempts })), { signal: signal() });
      expect(outcomes).toMatchObject([{ status: 'deferred', code: '4.2.1', diagnostic: 'loopback: mailbox loopback:alice is busy, try again later (deferAddresses)' }, { status: 'delivered' }, { status: 'not-me' }]);
    }
    expect(await store.listInbox('loopback:alice')).toEqual([]);
    expect(await store.listInbox('loopback:carol')).toEqual([]);
  });

  it('hands over with an idempotency key, so a retry after a lost acknowledgement does not duplicate', async () => {
    const calls: string[] = [];
    const t = transport('lb-3', {}, calls);
    await t.send(message, recipients.slice(0, 1), { signal: signal() });
    await t.send(message, recipients.slice(0, 1), { signal: signal() });
    expect(calls).toEqual([`loopback:${message.id}:0`, `loopback:${message.id}:0`]);
    expect(await store.listInbox('loopback:alice')).toHaveLength(1);
  });

  it('waits latencyMs and stops when its signal is aborted', async () => {
    const controller = new AbortController();
    const sending = transport('lb-4', { latencyMs: 60_000 }).send(message, recipients, { signal: controller.signal });
    controller.abort(new Error('timeout'));
    await expect(sending).rejects.toThrow('timeout');
    expect(await store.listInbox('loopback:alice')).toEqual([]);
  });

  it('reports unavailable when configured offline, switchable at run time through the instance\'s own control', async () => {
    const configuredOffline = transport('lb-5', { offline: true });
    expect(configuredOffline.availability?.()).toBe('unavailable');
    loopbackControl(configuredOffline).setOffline(false);
    expect(configuredOffline.availability?.()).toBe('available');
    // Another instance with the same provider id (another kernel in this process) has a control of its own.
    const other = transport('lb-5');
    loopbackControl(other).setOffline(true);
    expect(other.availability?.()).toBe('unavailable');
    expect(configuredOffline.availability?.()).toBe('available');
    await other.send(message, recipients.slice(0, 1), { signal: signal() });
    expect([loopbackControl(other).handedOver, loopbackControl(configuredOffline).handedOver]).toEqual([1, 0]);
    loopbackControl(other).setOffline(undefined);
    expect(other.availability?.()).toBe('available');
  });

  it('refuses anything but a loopback transport with XPORT_PROVIDER_NOT_FOUND, naming what it got', () => {
    expect(() => loopbackControl('loopback')).toThrow(expect.objectContaining({ code: 'XPORT_PROVIDER_NOT_FOUND', message: expect.stringContaining('got the string "loopback" (it takes the transport itself now') }));
    expect(() => loopbackControl(undefined)).toThrow(/got undefined \(no transport with that id is loaded\)/);
    expect(() => loopbackControl({ send: () => [] })).toThrow(/got an object that is not a loopback transport/);
  });

  it('throws when the inbound port does not accept, so the spooler defers instead of losing', async () => {
    await store.close();
    await expect(transport('lb-6').send(message, recipients, { signal: signal() })).rejects.toThrow();
  });

  it('is a branded transport definition that refuses to start without an inbound port', async () => {
    expect(isProviderDefinition(loopbackProvider)).toBe(true);
    expect(loopbackProvider.kind).toBe('transport');
    const info = { id: 'loopback', packageName: '@xport/provider-loopback', version: '0.1.0', directory: '.', appRoot: '.', manifest: {} as never };
    const context = { info, config: {}, logger: silent, clock: { now: () => 0 }, store, inbound: undefined, credentials: {} as never, container: {} as never, resolve: () => undefined as never };
    const error = await Promise.resolve()
      .then(() => loopbackProvider.create(context))
      .catch((e: unknown) => e);
    expect(XportError.is(error, 'XPORT_PROVIDER_START_FAILED')).toBe(true);
    const made = await loopbackProvider.create({ ...context, inbound: storeInbound(store) });
    expect(typeof made.send).toBe('function');
  });
});
