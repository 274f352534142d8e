import { outcome } from '@xport/provider-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, recordingTransport, waitFor } from './harness.js';

type Harness = Awaited<ReturnType<typeof createHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.spooler.stop();
  h = undefined;
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
    const transport = recordingTransport(async (r) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return r.map(() => outcome.delivered());
    });
    h.addTransport('fx', ['x400'], transport);
    for (let i = 0; i < 40; i++) await h.spooler.submit({ to: [`x400:r${i}`], text: 'x' });
    const reads = countWakeReads(h);
    h.spooler.start();
    const harness = h;
    await waitFor(async () => (await harness.store.listSent()).length === 40);

    expect(transport.calls).toHaveLength(40);
    // One message per claim round: reading the next wake time after each would be 40 or more reads.
    expect(reads.count).toBeLessThan(10);
  });

  it('are still made once the queue runs dry, so a deferral made while busy is retried on time, not at the poll', async () => {
    // pollMs is a minute in the harness: a retry a second later (the least a transport may ask) only happens on time if the wake time was read.
    h = await createHarness({ limits: { fx: { concurrency: 1, ratePerSecond: 0 } } });
    let deferredOnce = false;
    const transport = recordingTransport(async (r, call) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (call.recipients[0] === 'r0' && !deferredOnce) {
        deferredOnce = true;
        return r.map(() => outcome.deferred({ retryAfterMs: 1000 }));
      }
      return r.map(() => outcome.delivered());
    });
    h.addTransport('fx', ['x400'], transport);
    for (let i = 0; i < 10; i++) await h.spooler.submit({ to: [`x400:r${i}`], text: 'x' });
    h.spooler.start();
    const harness = h;
    await waitFor(async () => (await harness.store.listSent()).length === 9);
    harness.clock.advance(1000);

    await waitFor(async () => (await harness.store.listSent()).length === 10, 3000);
    expect(transport.calls.filter((c) => c.recipients[0] === 'r0')).toHaveLength(2);
  });
});
