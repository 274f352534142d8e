import { afterEach, describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from '@xport/core';
import type { DeliveryEvent } from '@xport/provider-sdk';
import { createE2eApp, type E2eApp } from './test-app.js';

// A message followed through the kernel's event API, from submit to its recipients' outcomes, on a
// real kernel with the loopback transport: one recipient delivered, one with no transport (failed).
describe('kernel delivery events and message history', () => {
  let app: E2eApp | undefined;
  let kernel: Kernel | undefined;
  let follow = new AbortController();

  afterEach(async () => {
    follow.abort();
    await kernel?.stop();
    await app?.cleanup();
  });

  it.each(['store-memory', 'store-sqlite'])('follows a message from submit to delivered and failed on %s', async (storeId) => {
    app = await createE2eApp(['provider-loopback', storeId], { store: { provider: storeId }, transportOrder: ['loopback'], spooler: { pollMs: 50 } });
    kernel = createKernel({ root: app.root });
    await kernel.start();
    follow = new AbortController();

    const seen: DeliveryEvent[] = [];
    const following = (async () => {
      for await (const event of kernel!.followEvents({ after: 0, signal: follow.signal })) seen.push(event);
    })();
    const receipt = await kernel.submit({ from: 'loopback:alice', to: ['Bob <loopback:bob>', 'fax:+331234'], subject: 'hello', text: 'hi bob' });
    const settled = (): boolean => {
      const outcomes = seen.filter((e) => e.messageId === receipt.messageId && e.recipientIndex !== undefined);
      return outcomes.some((e) => e.type === 'delivered') && outcomes.some((e) => e.type === 'failed');
    };
    await expect.poll(settled).toBe(true);

    const mine = seen.filter((e) => e.messageId === receipt.messageId);
    expect(mine[0]).toMatchObject({ type: 'submitted', messageId: receipt.messageId });
    expect(mine.slice(1).map((e) => [e.recipientIndex, e.type]).sort()).toEqual([
      [0, 'delivered'],
      [1, 'failed'],
    ]);
    expect(mine.find((e) => e.type === 'delivered')).toMatchObject({ recipient: 'Bob <loopback:bob>', provider: 'loopback', attempts: 1 });
    expect(mine.find((e) => e.type === 'failed')).toMatchObject({ recipient: 'fax:+331234', provider: null, error: { code: expect.any(String) } });
    // The loopback delivery arrives in bob's inbox: a received event under the entry's id.
    await expect.poll(() => seen.some((e) => e.type === 'received' && e.mailbox === 'loopback:bob')).toBe(true);
    for (let i = 1; i < seen.length; i += 1) expect(seen[i]!.id).toBeGreaterThan(seen[i - 1]!.id);

    const history = await kernel.messageHistory(receipt.messageId);
    expect(history?.eventsKept).toBe(true);
    expect(history?.messageEvents.map((e) => e.type)).toEqual(['submitted']);
    expect(history?.timelines.map((t) => t.map((e) => e.type))).toEqual([['delivered'], ['failed']]);
    expect(history?.message.recipients.map((r) => r.state)).toEqual(['delivered', 'failed']);
    expect(await kernel.readEvents({ messageId: receipt.messageId, types: ['failed'], limit: 10 })).toEqual(mine.filter((e) => e.type === 'failed'));
    expect(await kernel.messageHistory('no-such-message')).toBeUndefined();

    follow.abort();
    await following;
  });
});
