import { outcome, XportError } from '@xport/provider-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, recordingTransport, waitFor } from './harness.js';

type Harness = Awaited<ReturnType<typeof createHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.spooler.stop();
  h = undefined;
});

describe('spooler lifecycle', () => {
  it('stop aborts a send that outlives stopTimeoutMs and releases its recipients to the queue, no attempt burned', async () => {
    h = await createHarness({ options: { stopTimeoutMs: 20, sendTimeoutMs: 600_000 } });
    const stuck = recordingTransport(() => new Promise(() => undefined)); // ignores its signal too
    h.addTransport('fx', ['x400'], stuck);
    h.spooler.start();
    const { messageId } = await h.spooler.submit({ to: ['x400:a', 'x400:b'], text: 'x' });
    await waitFor(() => stuck.calls.length === 1);

    await h.spooler.stop();
    expect(h.spooler.running).toBe(false);
    expect(stuck.calls[0]?.signal.aborted).toBe(true);
    const stored = await h.store.getMessage(messageId);
    expect(stored?.recipients.map((r) => [r.state, r.provider, r.attempts])).toEqual([
      ['queued', 'fx', 0],
      ['queued', 'fx', 0],
    ]);

    // Nothing lost: a restarted spooler sends them.
    h.addTransport('fx', ['x400'], recordingTransport());
    h.spooler.start();
    await h.spooler.flush();
    expect((await h.store.getMessage(messageId))?.recipients.map((r) => r.state)).toEqual(['delivered', 'delivered']);
  });

  it('stop lets an in-flight send finish within stopTimeoutMs', async () => {
    h = await createHarness({ options: { stopTimeoutMs: 60_000 } });
    let finish: () => void = () => undefined;
    const slow = recordingTransport((r) => new Promise((resolve) => (finish = () => resolve(r.map(() => outcome.delivered())))));
    h.addTransport('fx', ['x400'], slow);
    h.spooler.start();
    const { messageId } = await h.spooler.submit({ to: ['x400:a'], text: 'x' });
    await waitFor(() => slow.calls.length === 1);

    const stopping = h.spooler.stop();
    finish();
    await stopping;
    expect(slow.calls[0]?.signal.aborted).toBe(false);
    expect((await h.store.getMessage(messageId))?.recipients[0]?.state).toBe('delivered');
  });

  it('start is idempotent and flush needs a running spooler', async () => {
    h = await createHarness();
    const transport = recordingTransport();
    h.addTransport('fx', ['x400'], transport);
    await expect(h.spooler.flush()).rejects.toSatisfy((e: unknown) => XportError.is(e, 'XPORT_KERNEL_NOT_STARTED'));
    h.spooler.start();
    h.spooler.start();
    await h.spooler.submit({ to: ['x400:a'], text: 'x' });
    await h.spooler.flush();
    expect(transport.calls).toHaveLength(1);
    await h.spooler.stop();
    expect(h.spooler.running).toBe(false);
  });

  it('abort cancels a queued message, which is then never sent', async () => {
    h = await createHarness();
    const transport = recordingTransport();
    h.addTransport('fx', ['x400'], transport);
    h.setOnline('fx', false);
    h.spooler.start();
    const { messageId } = await h.spooler.submit({ from: 'x400:me', to: ['x400:a'], text: 'x' });

    await h.spooler.abort(messageId);
    h.setOnline('fx', true);
    await h.spooler.flush();

    expect(transport.calls).toEqual([]);
    expect((await h.store.getMessage(messageId))?.recipients[0]?.state).toBe('aborted');
    expect(await h.inbox('x400:me')).toEqual([]); // no NDR for a cancelled message
  });

  it('abort refuses a message being sent right now', async () => {
    h = await createHarness();
    let finish: () => void = () => undefined;
    const slow = recordingTransport((r) => new Promise((resolve) => (finish = () => resolve(r.map(() => outcome.delivered())))));
    h.addTransport('fx', ['x400'], slow);
    h.spooler.start();
    const { messageId } = await h.spooler.submit({ to: ['x400:a'], text: 'x' });
    await waitFor(() => slow.calls.length === 1);
    await expect(h.spooler.abort(messageId)).rejects.toSatisfy((e: unknown) => XportError.is(e, 'XPORT_STORE_IN_FLIGHT'));
    finish();
  });
});
