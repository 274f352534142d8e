import { outcome } from '@xport/provider-sdk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLoopbackTransport, loopbackControl } from '../../../provider-loopback/src/index.js';
import { createHarness, recordingTransport, waitFor } from './harness.js';

type Harness = Awaited<ReturnType<typeof createHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.spooler.stop();
  h = undefined;
});

describe('store-and-forward', () => {
  it('keeps recipients of an offline transport queued without attempts, and sends them when it is back', async () => {
    h = await createHarness();
    const loopback = createLoopbackTransport({ providerId: 'sf-loopback', config: {}, inbound: h.spooler.inbound, logger: h.logger });
    const control = loopbackControl(loopback);
    control.setOffline(true);
    h.addTransport('sf-loopback', ['loopback'], loopback);
    h.spooler.start();
    const delivered: string[] = [];
    h.spooler.on('delivered', (e) => delivered.push(e.recipient.address));

    const { messageId } = await h.spooler.submit({ from: 'loopback:me', to: ['loopback:you'], text: 'later' });
    await h.spooler.flush();
    expect(control.handedOver).toBe(0);
    expect((await h.store.getMessage(messageId))?.recipients[0]).toMatchObject({ state: 'queued', attempts: 0, provider: 'sf-loopback' });
    expect(await h.spooler.queueDepth()).toEqual({ 'sf-loopback': { queued: 1, inFlight: 0, deferred: 0, held: 0 } });

    control.setOffline(false);
    h.setOnline('sf-loopback', true); // the kernel's state event
    await waitFor(() => delivered.length === 1);
    expect(delivered).toEqual(['you']);
    expect((await h.inbox('loopback:you')).map((e) => e.envelope.from?.address)).toEqual(['me']);
  });

  it('sends deferred work at once when its transport comes back online, not at its backoff time', async () => {
    h = await createHarness();
    let up = false;
    const transport = recordingTransport((r) => r.map(() => (up ? outcome.delivered() : outcome.deferred({ diagnostic: 'link down' }))));
    h.addTransport('fx', ['x400'], transport);
    h.spooler.start();
    const delivered: string[] = [];
    h.spooler.on('delivered', (e) => delivered.push(e.recipient.address));

    const { messageId } = await h.spooler.submit({ to: ['x400:bob'], text: 'hi' });
    await h.spooler.flush();
    const deferred = (await h.store.getMessage(messageId))?.recipients[0];
    expect(deferred).toMatchObject({ state: 'deferred', attempts: 1 });
    expect(deferred?.nextAttemptAt).toBeGreaterThan(h.clock.now());

    h.setOnline('fx', false);
    up = true;
    h.setOnline('fx', true); // the clock has not moved: only makeDue can make it due
    await waitFor(() => delivered.length === 1);
    expect(transport.calls).toHaveLength(2);
  });
});

describe('a transport online for the first time (the daemon starting)', () => {
  it('leaves its deferred recipients at their backoff time: only a return from an outage makes them due', async () => {
    h = await createHarness();
    let up = false;
    const transport = recordingTransport((r) => r.map(() => (up ? outcome.delivered() : outcome.deferred({ diagnostic: 'try later' }))));
    h.addTransport('fx', ['x400'], transport);
    h.spooler.start();
    const { messageId } = await h.spooler.submit({ to: ['x400:bob'], text: 'hi' });
    await h.spooler.flush();
    const deferred = (await h.store.getMessage(messageId))?.recipients[0];
    expect(deferred).toMatchObject({ state: 'deferred', attempts: 1 });

    const makeDue = vi.spyOn(h.store, 'makeDue');
    up = true;
    // The kernel's start: loading, logging on, starting, online. makeDue would be called at once.
    for (const to of ['loading', 'logging-on', 'starting', 'online']) h.emitState('fx', to);
    expect(makeDue).not.toHaveBeenCalled();
    expect((await h.store.getMessage(messageId))?.recipients[0]).toMatchObject({ state: 'deferred', nextAttemptAt: deferred?.nextAttemptAt });

    // Down and back: store-and-forward makes it due and sends it.
    h.emitState('fx', 'offline');
    h.emitState('fx', 'online');
    expect(makeDue).toHaveBeenCalledTimes(1);
    await waitFor(() => transport.calls.length === 2);
  });
});
