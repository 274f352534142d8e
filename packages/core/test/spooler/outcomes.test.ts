import { outcome } from '@xport/provider-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, recordingTransport, T0 } from './harness.js';

type Harness = Awaited<ReturnType<typeof createHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.spooler.stop();
  h = undefined;
});

async function oneRecipient(answer: Parameters<typeof recordingTransport>[0], options = {}) {
  h = await createHarness({ options });
  const transport = recordingTransport(answer);
  h.addTransport('fx', ['x400'], transport);
  h.spooler.start();
  const deferred: Array<{ code: string; diagnostic: string; nextAttemptAt: number }> = [];
  h.spooler.on('deferred', (e) => deferred.push({ ...e.error, nextAttemptAt: e.nextAttemptAt }));
  const { messageId } = await h.spooler.submit({ from: 'x400:me', to: ['x400:a', 'x400:b'], subject: 's', text: 'hi' });
  await h.spooler.flush();
  const stored = await h.store.getMessage(messageId);
  return { h, transport, deferred, messageId, stored };
}

describe('send outcomes', () => {
  it('writes an NDR naming the code and diagnostic of a permanent failure', async () => {
    const { h, stored, messageId } = await oneRecipient((r) => r.map((x) => (x.recipient.address === 'a' ? outcome.failed('5.1.1', 'user unknown') : outcome.delivered())));
    expect(stored?.recipients.map((r) => r.state)).toEqual(['failed', 'delivered']);
    const reports = await h.inbox('x400:me');
    expect(reports.map((e) => e.envelope.kind)).toEqual(['report.ndr']);
    const [text] = await h.reportText('x400:me');
    expect(text).toMatch(/Recipient: +x400:a/);
    expect(text).toContain('5.1.1');
    expect(text).toContain('user unknown');
    expect(reports[0]!.envelope.reportFor).toBe(messageId);
  });

  it('applies a single outcome object to every recipient', async () => {
    const { stored } = await oneRecipient(() => outcome.delivered());
    expect(stored?.recipients.map((r) => r.state)).toEqual(['delivered', 'delivered']);
  });

  it('defers with the transport retry-after, else with backoff from the minimum delay', async () => {
    const { deferred, stored } = await oneRecipient(() => [outcome.deferred({ retryAfterMs: 60_000, code: '4.2.2', diagnostic: 'full' }), outcome.deferred()], {
      retry: { minDelayMs: 300_000 },
    });
    expect(deferred).toEqual([
      { code: '4.2.2', diagnostic: 'full', nextAttemptAt: T0 + 60_000 },
      // random() = 0.5 means no jitter: first retry at exactly the minimum delay.
      { code: '4.0.0', diagnostic: "deferred by transport 'fx'", nextAttemptAt: T0 + 300_000 },
    ]);
    expect(stored?.recipients.map((r) => [r.state, r.attempts])).toEqual([
      ['deferred', 1],
      ['deferred', 1],
    ]);
  });

  it('counts a thrown error as a deferral of every recipient', async () => {
    const { deferred, stored } = await oneRecipient(() => {
      throw new Error('connection reset');
    });
    expect(deferred.map((d) => [d.code, d.diagnostic])).toEqual([
      ['4.3.0', "transport 'fx' threw: connection reset"],
      ['4.3.0', "transport 'fx' threw: connection reset"],
    ]);
    expect(stored?.recipients.map((r) => r.state)).toEqual(['deferred', 'deferred']);
  });

  it('counts a garbage return as a deferral: wrong length, or an entry that is not an outcome', async () => {
    const wrongLength = await oneRecipient(() => [outcome.delivered()]);
    expect(wrongLength.stored?.recipients.map((r) => r.state)).toEqual(['deferred', 'deferred']);
    expect(wrongLength.deferred[0]?.diagnostic).toContain('returned 1 outcomes for 2 recipients');
    await wrongLength.h.spooler.stop();

    const badEntry = await oneRecipient(() => [outcome.delivered(), { status: 'sent' }]);
    expect(badEntry.stored?.recipients.map((r) => r.state)).toEqual(['delivered', 'deferred']);
    await badEntry.h.spooler.stop();

    const nothing = await oneRecipient(() => undefined);
    expect(nothing.stored?.recipients.map((r) => r.state)).toEqual(['deferred', 'deferred']);
  });

  it('aborts a send that outlives sendTimeoutMs and defers its recipients', async () => {
    const { deferred, transport, stored } = await oneRecipient(() => new Promise(() => undefined), { sendTimeoutMs: 20 });
    expect(transport.calls[0]?.signal.aborted).toBe(true);
    expect(deferred.map((d) => d.code)).toEqual(['4.4.1', '4.4.1']);
    expect(stored?.recipients.map((r) => r.state)).toEqual(['deferred', 'deferred']);
  });

  it('expires a recipient past the lifetime and writes an NDR, without another send', async () => {
    h = await createHarness({ options: { retry: { minDelayMs: 1000, lifetimeMs: 3_600_000 } } });
    const transport = recordingTransport(() => outcome.deferred({ diagnostic: 'remote busy' }));
    h.addTransport('fx', ['x400'], transport);
    h.spooler.start();
    const expired: string[] = [];
    h.spooler.on('expired', (e) => expired.push(e.error.code));

    const { messageId } = await h.spooler.submit({ from: 'x400:me', to: ['x400:a'], text: 'hi' });
    await h.spooler.flush();
    expect(transport.calls).toHaveLength(1);

    h.clock.advance(3_600_000);
    await h.spooler.flush();

    expect(transport.calls).toHaveLength(1);
    expect(expired).toEqual(['4.4.7']);
    expect((await h.store.getMessage(messageId))?.recipients[0]?.state).toBe('expired');
    const [text] = await h.reportText('x400:me');
    expect(text).toContain('expired');
    expect(text).toContain('remote busy');
  });
});
