import { outcome } from '@xport/provider-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { countLooks, createHarness, nextTurn, recordingTransport, waitFor } from './harness.js';

type Harness = Awaited<ReturnType<typeof createHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.spooler.stop();
  h = undefined;
});

describe('per-provider limits', () => {
  it('never has more messages in flight to a transport than its concurrency', async () => {
    h = await createHarness({ limits: { fx: { concurrency: 2, ratePerSecond: 0 } } });
    let current = 0;
    let highest = 0;
    const transport = recordingTransport(async (r) => {
      current += 1;
      highest = Math.max(highest, current);
      await new Promise((resolve) => setTimeout(resolve, 5));
      current -= 1;
      return r.map(() => outcome.delivered());
    });
    h.addTransport('fx', ['x400'], transport);
    for (let i = 0; i < 5; i++) await h.spooler.submit({ to: [`x400:r${i}`], text: 'x' });
    h.spooler.start();
    await h.spooler.flush();

    expect(transport.calls).toHaveLength(5);
    expect(highest).toBe(2);
    expect((await h.store.listSent()).length).toBe(5);
  });

  it('keeps a busy transport fed without polling, though a freed slot alone does not start a round', async () => {
    // Concurrency 20: a round is taken once 5 slots are free. Four quick sends free 4 slots and no
    // round; the slow ones free the rest. Polling is a minute away: only the releases can move the queue.
    h = await createHarness({ limits: { fx: { concurrency: 20, ratePerSecond: 0 } } });
    let handed = 0;
    const transport = recordingTransport(async (r) => {
      const n = handed++;
      await new Promise((resolve) => setTimeout(resolve, n % 20 < 4 ? 1 : 30 + (n % 7)));
      return r.map(() => outcome.delivered());
    });
    h.addTransport('fx', ['x400'], transport);
    for (let i = 0; i < 70; i++) await h.spooler.submit({ to: [`x400:r${i}`], text: 'x' });
    h.spooler.start();
    await waitFor(async () => (await h!.store.listSent()).length === 70);
    expect(transport.calls).toHaveLength(70);
  });

  it('hands over no more messages per second than the rate allows', async () => {
    h = await createHarness({ limits: { fx: { concurrency: 0, ratePerSecond: 1 } } });
    const transport = recordingTransport();
    h.addTransport('fx', ['x400'], transport);
    for (let i = 0; i < 3; i++) await h.spooler.submit({ to: [`x400:r${i}`], text: 'x' });
    h.spooler.start();

    await h.spooler.flush();
    expect(transport.calls).toHaveLength(1);
    // Nothing burned on the recipients held back by the limit.
    expect((await h.store.listQueue()).flatMap((m) => m.recipients.map((r) => r.attempts))).toEqual([0, 0]);

    h.clock.advance(1000);
    await h.spooler.flush();
    expect(transport.calls).toHaveLength(2);

    h.clock.advance(1000);
    await h.spooler.flush();
    expect(transport.calls).toHaveLength(3);
  });

  it('stops sending while the store is behind: sends in flight or awaiting their recorded result stay within twice the concurrency', async () => {
    h = await createHarness({ limits: { fx: { concurrency: 2, ratePerSecond: 0 } } });
    const transport = recordingTransport(); // answers at once
    h.addTransport('fx', ['x400'], transport);
    for (let i = 0; i < 10; i++) await h.spooler.submit({ to: [`x400:r${i}`], text: 'x' });
    // Recording a result waits until the test opens the gate (a store that has fallen behind).
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const complete = h.store.complete.bind(h.store);
    h.store.complete = async (completion) => {
      await gate;
      return complete(completion);
    };
    const looks = countLooks(h.host);
    h.spooler.start();
    const harness = h;
    try {
      await waitFor(() => transport.calls.length >= 4);
      // Make the loop look at the queue once more (the kernel's online event does) and let that look
      // run: a look is where a fifth send would start, and it runs within the turn it began in.
      const before = looks.count;
      harness.setOnline('fx', true);
      await waitFor(() => looks.count > before);
      await nextTurn();
      // Every slot is free (the transport answered), but four results (2 × concurrency) are unrecorded: nothing more goes out.
      expect(transport.calls).toHaveLength(4);
    } finally {
      open();
    }
    await waitFor(async () => (await harness.store.listSent()).length === 10);
    expect(transport.calls).toHaveLength(10);
  });
});
