import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { outcome } from '@xport/provider-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, recordingTransport, waitFor } from './harness.js';

// An SDK registered the way an application registers one: spans go to an in-memory exporter, and
// the async-hooks context manager carries the active span across awaits.
const exporter = new InMemorySpanExporter();
const contextManager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
});
afterAll(() => {
  trace.disable();
  context.disable();
});

type Harness = Awaited<ReturnType<typeof createHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.spooler.stop();
  h = undefined;
  exporter.reset();
});

const spansNamed = (name: string): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.name === name);
const messaging = (operation: string, type: string, destination: string) => ({
  'messaging.system': 'xport',
  'messaging.operation.name': operation,
  'messaging.operation.type': type,
  'messaging.destination.name': destination,
});

describe('tracing (OpenTelemetry messaging spans)', () => {
  it('traces a submit: a producer span into the outbox, with the message id', async () => {
    h = await createHarness();
    h.addTransport('loopback', ['loopback'], recordingTransport());
    const receipt = await h.spooler.submit({ from: 'loopback:me', to: ['loopback:you', 'loopback:bob'], text: 'hi' });
    const [span] = spansNamed('submit outbox');
    expect(span?.kind).toBe(SpanKind.PRODUCER);
    expect(span?.attributes).toEqual({ ...messaging('submit', 'send', 'outbox'), 'messaging.message.id': receipt.messageId, 'xport.recipients': 2 });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('marks a refused submit with its xport code as error.type', async () => {
    h = await createHarness();
    await expect(h.spooler.submit({ from: 'loopback:me', to: ['fax:'], text: 'hi' })).rejects.toMatchObject({ code: 'XPORT_ADDRESS_INVALID' });
    const [span] = spansNamed('submit outbox');
    expect(span?.attributes['error.type']).toBe('XPORT_ADDRESS_INVALID');
    expect(span?.attributes['messaging.message.id']).toBeUndefined();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('traces each send attempt as a span of its own; what the transport traces nests under it', async () => {
    h = await createHarness();
    const inner = trace.getTracer('test-transport');
    let attempt = 0;
    h.addTransport(
      'relay',
      ['loopback'],
      recordingTransport((recipients) => {
        inner.startSpan('relay connect').end();
        return recipients.map(() => (++attempt === 1 ? outcome.deferred({ code: '4.4.1', diagnostic: 'connection refused' }) : outcome.delivered()));
      }),
    );
    h.spooler.start();
    const receipt = await h.spooler.submit({ from: 'loopback:me', to: ['loopback:you'], text: 'hi' });
    await waitFor(() => spansNamed('send relay').length === 1);
    await h.spooler.flush();
    await waitFor(() => spansNamed('send relay').length === 2);

    const [deferred, delivered] = spansNamed('send relay');
    for (const span of [deferred, delivered]) {
      expect(span?.kind).toBe(SpanKind.PRODUCER);
      expect(span?.attributes).toMatchObject({ ...messaging('send', 'send', 'relay'), 'messaging.message.id': receipt.messageId, 'xport.recipients': 1 });
    }
    expect(deferred?.attributes).toMatchObject({ 'xport.outcome': 'deferred', 'error.type': '4.4.1' });
    expect(deferred?.status.code).toBe(SpanStatusCode.ERROR);
    expect(delivered?.attributes['xport.outcome']).toBe('delivered');
    expect(delivered?.attributes['error.type']).toBeUndefined();
    expect(delivered?.status.code).toBe(SpanStatusCode.UNSET);

    const connects = spansNamed('relay connect');
    expect(connects.map((s) => s.parentSpanContext?.spanId)).toEqual([deferred?.spanContext().spanId, delivered?.spanContext().spanId]);
  });

  it('traces an inbound receipt into the inbox, with the entry id and the receiving provider', async () => {
    h = await createHarness();
    const receipt = await h.spooler.inbound.deliver({ recipients: [{ type: 'loopback', address: 'carol' }], text: 'x', receivedBy: 'smtp' });
    await h.spooler.inbound.deliver({ recipients: [{ type: 'loopback', address: 'carol' }, { type: 'loopback', address: 'dave' }], text: 'x' });
    h.hooks.push({ id: 'virus-scan', hook: { inbound: () => ({ action: 'reject', reason: 'infected' }) } });
    await h.spooler.inbound.deliver({ recipients: [{ type: 'loopback', address: 'carol' }], text: 'x' });

    const [one, two, rejected] = spansNamed('receive inbox');
    expect(one?.kind).toBe(SpanKind.CONSUMER);
    expect(one?.attributes).toEqual({ ...messaging('receive', 'receive', 'inbox'), 'messaging.message.id': receipt.entries[0]!.id, 'xport.provider': 'smtp', 'xport.outcome': 'received' });
    expect(two?.attributes).toMatchObject({ 'messaging.batch.message_count': 2, 'xport.outcome': 'received' });
    expect(rejected?.attributes['xport.outcome']).toBe('rejected');
  });

  it('marks an inbound message the store refused with error.type', async () => {
    h = await createHarness();
    await h.store.close();
    await expect(h.spooler.inbound.deliver({ recipients: [{ type: 'loopback', address: 'carol' }], text: 'x' })).rejects.toThrow();
    const [span] = spansNamed('receive inbox');
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(typeof span?.attributes['error.type']).toBe('string');
  });
});
