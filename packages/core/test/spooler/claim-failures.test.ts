import { XportError } from '@xport/provider-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, recordingTransport } from './harness.js';

type Harness = Awaited<ReturnType<typeof createHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.spooler.stop();
  h = undefined;
});

describe('a store that cannot be claimed from', () => {
  it('is logged once per episode: an error at the first failed look, debug after, info when claims work again', async () => {
    h = await createHarness();
    const transport = recordingTransport();
    h.addTransport('fx', ['x400'], transport);
    const claim = h.store.claim.bind(h.store);
    let failing = true;
    h.store.claim = (input) => (failing ? Promise.reject(new XportError('XPORT_STORE_UNAVAILABLE', 'store went away')) : claim(input));
    h.spooler.start();
    // Each flush looks at the queue at least once, and each look fails while the store is away.
    for (let look = 0; look < 5; look++) await h.spooler.flush();
    const about = () => h!.logger.lines.filter((line) => /claims? work/.test(line.message));
    const failed = about();
    expect(failed.length).toBeGreaterThanOrEqual(5);
    expect(failed[0]).toMatchObject({ level: 'error', message: 'spooler could not claim work; will try again', fields: { error: expect.stringContaining('store went away') } });
    expect(failed.slice(1).map((line) => [line.level, line.message, line.fields?.['failures']])).toEqual(
      failed.slice(1).map((_, i) => ['debug', 'spooler still cannot claim work', i + 2]),
    );

    failing = false;
    await h.spooler.submit({ to: ['x400:a'], text: 'after the store came back' });
    await h.spooler.flush();
    expect(transport.calls).toHaveLength(1);
    expect(about().slice(failed.length).map((line) => [line.level, line.message, line.fields])).toEqual([['info', 'spooler claims work again', { failedLooks: failed.length }]]);
  });
});
