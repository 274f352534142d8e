import { outcome } from '@xport/provider-sdk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { countDelivered, createHarness, gatedTransport, nextTurn, recordingTransport, waitFor } from './harness.js';

type Harness = Awaited<ReturnType<typeof createHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.spooler.stop();
  h = undefined;
  vi.useRealTimers();
});

/** Counts the spooler's next-wake reads (one store round trip each on a database store). */
function countWakeReads(harness: Harness): { count: number } {
  const reads = { count: 0 };
  const read = harness.store.nextWakeAt.bind(harness.store);
  harness.store.nextWakeAt = () => {
    reads.count += 1;
    return read();
  };
  return reads;
}

describe('next-wake reads', () => {
  it('are skipped while sends are out, whose releases wake the loop anyway', async () => {
    h = await createHarness({ limits: { fx: { concurrency: 1, ratePerSecond: 0 } } });
    const transport = gatedTransport();
    h.addTransport('fx', ['x400'], transport);
    for (let i = 0; i < 40; i++) await h.spooler.submit({ to: [`x400:r${i}`], text: 'x' });
    const reads = countWakeReads(h);
    h.spooler.start();
    const harness = h;
    // One send out at a time, each ended by the test once the loop has handed it over (and gone
    // quiet): every send ends after the look that started it, whatever the machine's speed.
    for (let i = 0; i < 40; i++) {
      await waitFor(() => transport.calls.length > i);
      transport.release(i);
    }
    await waitFor(async () => (await harness.store.listSent()).length === 40);

    expect(transport.calls).toHaveLength(40);
    // One message per claim round: reading the next wake time after each would be 40 or more reads.
    expect(reads.count).toBeLessThan(10);
  });

  it('are still made once the queue runs dry, so a deferral made while busy is retried on time, not at the poll', async () => {
    // pollMs is a minute in the harness. The spooler's timers are fake here and the test moves them:
    // the retry a second later happens only if the loop read the wake time and armed its timer for it.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    h = await createHarness({ limits: { fx: { concurrency: 1, ratePerSecond: 0 } } });
    let deferredOnce = false;
    const transport = recordingTransport(async (r, call) => {
      // Each send ends in a later turn, after the look that started it: the loop is busy meanwhile.
      await nextTurn();
      if (call.recipients[0] === 'r0' && !deferredOnce) {
        deferredOnce = true;
        return r.map(() => outcome.deferred({ retryAfterMs: 1000 }));
      }
      return r.map(() => outcome.delivered());
    });
    h.addTransport('fx', ['x400'], transport);
    for (let i = 0; i < 10; i++) await h.spooler.submit({ to: [`x400:r${i}`], text: 'x' });
    const delivered = countDelivered(h.spooler);
    const r0 = () => transport.calls.filter((c) => c.recipients[0] === 'r0');
    h.spooler.start();
    await delivered.reached(9);
    // The look that found the queue dry ran in the turn of the last delivery: by the next turn it has
    // read the wake time and armed its timer.
    await nextTurn();
    expect(r0()).toHaveLength(1);

    h.clock.advance(1000);
    await vi.advanceTimersByTimeAsync(1000);
    await nextTurn();
    expect(r0()).toHaveLength(2);
    await delivered.reached(10);
  });
});
