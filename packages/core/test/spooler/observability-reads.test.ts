import { outcome } from '@xport/provider-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import type { SpoolerEvents } from '../../src/index.js';
import { createHarness, recordingTransport, T0, waitFor } from './harness.js';

type Harness = Awaited<ReturnType<typeof createHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.spooler.stop();
  h = undefined;
});

describe('what the spooler tells an observer', () => {
  it('emits attempted once per hand-over to a transport, with its provider, recipient count and duration', async () => {
    h = await createHarness();
    let release: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (release = resolve));
    const relay = recordingTransport(async (recipients) => {
      await answered;
      return recipients.map(() => outcome.delivered());
    });
    h.addTransport('relay', ['loopback'], relay);
    const attempts: Array<SpoolerEvents['attempted']> = [];
    h.spooler.on('attempted', (e) => attempts.push(e));
    h.spooler.start();
    const { messageId } = await h.spooler.submit({ from: 'loopback:me', to: ['loopback:a', 'loopback:b'], text: 'hi' });
    // Handed over but not answered yet: no attempt has ended.
    await waitFor(() => relay.calls.length === 1);
    expect(attempts).toEqual([]);
    release();
    await waitFor(() => attempts.length === 1);
    expect(attempts).toEqual([{ messageId, provider: 'relay', recipients: 2, durationMs: expect.any(Number) }]);
    expect(attempts[0]!.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('tells when the oldest message not yet final was submitted, and null once none is left', async () => {
    h = await createHarness();
    h.addTransport('relay', ['loopback'], recordingTransport());
    expect(await h.spooler.oldestQueuedAt()).toBeNull();
    await h.spooler.submit({ from: 'loopback:me', to: ['loopback:a'], text: 'first' });
    h.clock.advance(60_000);
    await h.spooler.submit({ from: 'loopback:me', to: ['loopback:b'], text: 'second' });
    expect(await h.spooler.oldestQueuedAt()).toBe(T0);
    h.spooler.start();
    await waitFor(async () => (await h!.spooler.oldestQueuedAt()) === null);
  });
});
