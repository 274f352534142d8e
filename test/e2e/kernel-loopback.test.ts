import { afterEach, describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from '@xport/core';
import { loopbackControl } from '@xport/provider-loopback';
import { createE2eApp, type E2eApp } from './test-app.js';

// A real kernel discovering real provider packages (the loopback transport and a store) through
// their manifests, and a message going the whole way: submit → route → loopback → inbound → inbox.
describe('kernel + loopback + store, through discovery', () => {
  let app: E2eApp | undefined;
  let kernel: Kernel | undefined;

  afterEach(async () => {
    await kernel?.stop();
    await app?.cleanup();
  });

  it.each(['store-memory', 'store-sqlite'])('delivers a loopback message into the inbox on %s', async (storeId) => {
    app = await createE2eApp(['provider-loopback', storeId], {
      store: { provider: storeId },
      transportOrder: ['loopback'],
      spooler: { pollMs: 50 },
    });
    kernel = createKernel({ root: app.root });
    await kernel.start();
    expect(kernel.status().map((row) => [row.id, row.state]).sort()).toEqual([
      ['loopback', 'online'],
      [storeId, 'online'],
    ]);

    const delivered = new Promise((resolve) => kernel!.spooler().on('delivered', resolve));
    const receipt = await kernel.submit({ from: 'loopback:alice', to: ['Bob <loopback:bob>', 'fax:+331234'], subject: 'hello', text: 'hi bob' });
    expect(receipt.recipients.map((r) => [r.recipient.type, r.provider])).toEqual([
      ['loopback', 'loopback'],
      ['fax', null],
    ]);
    await delivered;

    const store = kernel.store()!;
    const inbox = await store.listInbox('loopback:bob');
    expect(inbox).toHaveLength(1);
    expect(inbox[0]!.envelope.subject).toBe('hello');
    // The fax recipient had no transport: the sender has a non-delivery report naming it.
    await expect.poll(async () => (await store.listInbox('loopback:alice')).map((e) => e.envelope.kind)).toEqual(['report.ndr']);
    await expect.poll(async () => (await store.getMessage(receipt.messageId))?.finishedAt).toBeTypeOf('number');
  });

  it('gives each kernel\'s loopback transport a control of its own: taking one offline leaves the other sending', async () => {
    app = await createE2eApp(['provider-loopback', 'store-memory'], { store: { provider: 'store-memory' }, transportOrder: ['loopback'], spooler: { pollMs: 50 } });
    kernel = createKernel({ root: app.root });
    const other = createKernel({ root: app.root });
    try {
      await Promise.all([kernel.start(), other.start()]);
      // Both loaded the same package under the same provider id, in one process.
      loopbackControl(kernel.transport('loopback')).setOffline(true);
      const delivered = new Promise((resolve) => other.spooler().on('delivered', resolve));
      await other.submit({ from: 'loopback:alice', to: ['loopback:bob'], text: 'through the other kernel' });
      await delivered;
      expect(loopbackControl(other.transport('loopback')).handedOver).toBe(1);
      expect(loopbackControl(kernel.transport('loopback')).handedOver).toBe(0);
      expect(kernel.transport('loopback')?.availability?.()).toBe('unavailable');
    } finally {
      await other.stop();
    }
  });
});
