import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKernel, type Kernel } from '@xport/core';
import { XportError, type EventLog, type MessageStore } from '@xport/provider-sdk';
import { createLogCollector } from '@xport/provider-sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../store-memory/src/index.js';
import { readWebhookEndpoints, startKernelWebhooks, type WebhookDispatcher } from '../src/index.js';
import { newSecret, until } from './support/dispatcher-fixture.js';
import { MemoryEventLog } from './support/memory-event-log.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A memory store whose `events` is the given log, or hidden (a store that keeps none). */
function storeWithEvents(events: EventLog | undefined): MessageStore {
  const store = createMemoryStore({ name: 'webhooks-test' });
  return new Proxy(store, {
    get(target, key) {
      if (key === 'events') return events;
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function startKernel(events: EventLog | undefined, url: string, secret: string, sending = false): Promise<Kernel> {
  const root = await mkdtemp(join(tmpdir(), 'xport-webhooks-kernel-'));
  const logs = createLogCollector();
  if (sending) {
    await mkdir(join(root, 'node_modules', '@xport'), { recursive: true });
    await symlink(join(import.meta.dirname, '..', '..', 'provider-loopback'), join(root, 'node_modules', '@xport', 'provider-loopback'), 'dir');
  }
  const kernel = createKernel({
    root,
    config: sending
      ? { transportOrder: ['loopback'], webhooks: [{ id: 'orders', url, secret: 'ordersSecret', timeoutMs: 600_000 }] }
      : // pollMs far beyond the test: only the spooler's signal can wake the dispatcher.
        { discovery: { nodeModules: false }, spooler: { pollMs: 3_600_000 }, webhooks: [{ id: 'orders', url, secret: 'ordersSecret' }] },
    store: storeWithEvents(events),
    credentials: { webhooks: { ordersSecret: secret } },
    env: {},
    logger: logs.logger,
  });
  cleanups.push(async () => {
    await kernel.stop();
    await rm(root, { recursive: true, force: true });
  });
  await kernel.start({ spool: sending });
  return kernel;
}

describe('webhooks over a kernel', () => {
  it("wake on the spooler's events and keep their cursor under the application's .xport", async () => {
    const receiver = await new WebhookReceiver().listen();
    cleanups.push(() => receiver.close());
    const log = new MemoryEventLog();
    const kernel = await startKernel(log, receiver.url, newSecret());
    const webhooks = (await startKernelWebhooks(kernel, { endpoints: await readWebhookEndpoints(kernel), stateDir: join(kernel.root, '.xport') })) as WebhookDispatcher;
    cleanups.push(() => webhooks.stop());

    // Written to the log without a signal of its own: the submit's spooler event is what wakes the dispatcher.
    const [event] = log.append({ type: 'submitted', messageId: 'from-the-store' });
    await kernel.submit({ from: 'loopback:me', to: ['loopback:you'], subject: 'hi', text: 'hello' });
    await until(webhooks, ([s]) => s!.cursor === event!.id);
    expect(receiver.acknowledged().map((p) => p.data.messageId)).toEqual(['from-the-store']);
    await webhooks.stop();
    expect(await readFile(join(kernel.root, '.xport', 'webhooks', 'orders.json'), 'utf8')).toBe(JSON.stringify({ after: event!.id }));
  });

  it('never hold up mail: a message is delivered while the endpoint hangs on an event', async () => {
    const receiver = await new WebhookReceiver(() => 'hang').listen();
    cleanups.push(() => receiver.close());
    const log = new MemoryEventLog();
    const kernel = await startKernel(log, receiver.url, newSecret(), true);
    const webhooks = (await startKernelWebhooks(kernel, { endpoints: await readWebhookEndpoints(kernel), stateDir: join(kernel.root, '.xport') })) as WebhookDispatcher;
    cleanups.push(() => webhooks.stop());
    log.append({ type: 'submitted', messageId: 'stuck' });
    await receiver.waitFor(() => receiver.requests.length === 1); // the attempt is now waiting for an answer that never comes

    const delivered = new Promise<string>((resolve) => kernel.spooler().on('delivered', (e) => resolve(e.messageId)));
    const receipt = await kernel.submit({ from: 'loopback:me', to: ['loopback:you'], subject: 'hi', text: 'hello' });
    expect(await delivered).toBe(receipt.messageId);
    expect(webhooks.status()[0]).toMatchObject({ cursor: 0, delivered: 0, failedAttempts: 0 });
  });

  it('refuses to start over a store that keeps no event log: XPORT_WEBHOOK_EVENTS_UNAVAILABLE naming the store', async () => {
    const kernel = await startKernel(undefined, 'http://127.0.0.1:9/x', newSecret());
    const error = await startKernelWebhooks(kernel, { endpoints: await readWebhookEndpoints(kernel), stateDir: join(kernel.root, '.xport') }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(XportError.is(error, 'XPORT_WEBHOOK_EVENTS_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toContain('keeps no delivery event log');
  });
});
