import { outcome, type Claim, type TransportProvider } from '@xport/provider-sdk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHarness, recordingTransport, waitFor } from './harness.js';

type Harness = Awaited<ReturnType<typeof createHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.spooler.stop();
  h = undefined;
});

const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1);

/** A recording transport that names each recipient's domain as its destination. */
function domainTransport(answer: Parameters<typeof recordingTransport>[0]): ReturnType<typeof recordingTransport> & Pick<TransportProvider, 'destinationOf'> {
  return Object.assign(recordingTransport(answer), { destinationOf: (r: { address: string }) => domainOf(r.address) });
}

/**
 * A harness whose transport `fx` defers every recipient while `down` is set, suspending its
 * destination after 2 such sends, with `messages` queued to `domain` and the spooler started.
 */
async function suspendingRelay(minDelayMs: number, messages: number, domain: string) {
  const harness = await createHarness({
    options: { retry: { minDelayMs, maxDelayMs: 600_000, lifetimeMs: 86_400_000 } },
    limits: { fx: { concurrency: 1, ratePerSecond: 0, perDestination: { concurrency: 0, ratePerSecond: 0, suspendAfterFailures: 2, overrides: [] } } },
  });
  const relay = { down: true };
  const transport = domainTransport((r) => r.map(() => (relay.down ? outcome.deferred({ code: '4.4.1', diagnostic: 'connection refused' }) : outcome.delivered())));
  harness.addTransport('fx', ['x400'], transport);
  for (let i = 0; i < messages; i++) await harness.spooler.submit({ to: [`x400:r${i}@${domain}`], text: 'x' });
  harness.spooler.start();
  return { harness, transport, relay };
}

describe('per-destination flow', () => {
  it('sends to a fast destination while a slow one holds its only slot, burning no attempt on what waits', async () => {
    h = await createHarness({
      limits: { fx: { concurrency: 4, ratePerSecond: 0, perDestination: { concurrency: 0, ratePerSecond: 0, suspendAfterFailures: 5, overrides: [{ destination: 'sl*', concurrency: 1 }] } } },
    });
    let openSlow!: () => void;
    const slowGate = new Promise<void>((resolve) => (openSlow = resolve));
    const transport = domainTransport(async (r) => {
      if (domainOf(r[0]!.recipient.address) === 'slow') await slowGate;
      return r.map(() => outcome.delivered());
    });
    h.addTransport('fx', ['x400'], transport);
    for (let i = 0; i < 3; i++) await h.spooler.submit({ to: [`x400:s${i}@slow`], text: 'x' });
    // One message to both: its recipients are sent in one call per destination.
    await h.spooler.submit({ to: ['x400:f0@fast', 'x400:s3@slow'], text: 'x' });
    for (let i = 1; i < 3; i++) await h.spooler.submit({ to: [`x400:f${i}@fast`], text: 'x' });
    const delivered: string[] = [];
    h.spooler.on('delivered', (e) => void delivered.push(e.recipient.address));
    h.spooler.start();

    await waitFor(() => ['f0@fast', 'f1@fast', 'f2@fast'].every((a) => delivered.includes(a)));
    const slowCalls = transport.calls.filter((c) => c.recipients.some((a) => a.endsWith('@slow')));
    expect(slowCalls).toHaveLength(1);
    expect(transport.calls.every((c) => new Set(c.recipients.map(domainOf)).size === 1)).toBe(true);
    const waiting = (await h.store.listQueue()).flatMap((m) => m.recipients.filter((r) => r.state !== 'delivered' && r.state !== 'in-flight'));
    expect(waiting.map((r) => r.attempts)).toEqual([0, 0, 0]);
    expect(h.spooler.destinations().find((d) => d.destination === 'slow')).toMatchObject({ provider: 'fx', inFlight: 1, concurrency: 1 });

    openSlow();
    await waitFor(async () => {
      h!.clock.advance(1000);
      await h!.spooler.flush();
      return delivered.length === 7;
    });
    expect(transport.calls).toHaveLength(7);
  });

  it('suspends a destination that fails every send, holds its queue without attempts, and probes it with one send', async () => {
    const { harness, transport, relay } = await suspendingRelay(60_000, 5, 'down');
    h = harness;
    await h.spooler.flush();

    expect(transport.calls).toHaveLength(2);
    const [row] = h.spooler.destinations();
    expect(row).toMatchObject({ destination: 'down', failuresInRow: 2 });
    expect(row!.suspendedUntil).not.toBeNull();
    const attempts = (await h.store.listQueue()).flatMap((m) => m.recipients.map((r) => r.attempts));
    expect(attempts).toEqual([1, 1, 0, 0, 0]);

    // Past the suspension (and the retries' backoff): one probe goes, its answer lets the rest follow.
    relay.down = false;
    h.clock.advance(120_000);
    await h.spooler.flush();
    expect(transport.calls[2]!.recipients).toHaveLength(1);
    await waitFor(async () => {
      await h!.spooler.flush();
      return (await h!.store.listSent()).length === 5;
    });
    expect(h.spooler.destinations()[0]).toMatchObject({ suspendedUntil: null, failuresInRow: 0 });
  });

  it('probes a suspended destination at once when its transport comes back online, not at the end of the backoff', async () => {
    const { harness, transport, relay } = await suspendingRelay(600_000, 4, 'relay');
    h = harness;
    await h.spooler.flush();
    expect(transport.calls).toHaveLength(2);
    expect(h.spooler.destinations()[0]!.suspendedUntil).not.toBeNull();

    // The transport went offline and came back: the probe goes now, not in ten minutes; after its
    // answer the rest follow within a send's time.
    relay.down = false;
    h.setOnline('fx', false);
    h.setOnline('fx', true);
    await waitFor(() => transport.calls.length >= 3);
    await waitFor(async () => {
      h!.clock.advance(1000);
      await h!.spooler.flush();
      return (await h!.store.listSent()).length === 4;
    });
    expect(h.spooler.destinations()[0]).toMatchObject({ suspendedUntil: null, failuresInRow: 0 });
  });

  it('leaves a suspended destination\'s recipients in the store: claims skip it, nothing of it is leased or put back', async () => {
    h = await createHarness({
      options: { retry: { minDelayMs: 60_000, maxDelayMs: 600_000, lifetimeMs: 86_400_000 } },
      limits: { fx: { concurrency: 1, ratePerSecond: 0, perDestination: { concurrency: 0, ratePerSecond: 0, suspendAfterFailures: 2, overrides: [] } } },
    });
    const transport = domainTransport((r) => r.map((x) => (domainOf(x.recipient.address) === 'down' ? outcome.deferred({ code: '4.4.1', diagnostic: 'connection refused' }) : outcome.delivered())));
    h.addTransport('fx', ['x400'], transport);
    for (let i = 0; i < 10; i++) await h.spooler.submit({ to: [`x400:r${i}@down`], text: 'x' });
    h.spooler.start();
    await h.spooler.flush();
    expect(transport.calls).toHaveLength(2);
    expect(h.spooler.destinations()[0]).toMatchObject({ destination: 'down', failuresInRow: 2 });
    const waiting = (await h.store.listQueue()).flatMap((m) => m.recipients.filter((r) => r.attempts === 0));
    expect(waiting).toHaveLength(8);

    // Mail to another destination while `down` is suspended: each claim names `down` to skip, and
    // hands out only the other destination's recipients.
    const claim = vi.spyOn(h.store, 'claim');
    for (let i = 0; i < 3; i++) await h.spooler.submit({ to: [`x400:u${i}@up`], text: 'x' });
    await waitFor(async () => {
      await h!.spooler.flush();
      return (await h!.store.listSent()).length === 3;
    });
    expect(claim.mock.calls.length).toBeGreaterThan(0);
    for (const [request] of claim.mock.calls) expect(request.skipDestinations).toEqual(['down']);
    const leased = (await Promise.all(claim.mock.results.map((r) => r.value as Promise<Claim[]>))).flat();
    expect(leased.map((c) => domainOf(c.recipient.address)).every((d) => d === 'up')).toBe(true);
    // The suspended destination's waiting recipients were not touched: same state, same update time.
    const after = (await h.store.listQueue()).flatMap((m) => m.recipients.filter((r) => r.attempts === 0));
    expect(after).toEqual(waiting);
    expect(transport.calls.filter((c) => domainOf(c.recipients[0]!) === 'down')).toHaveLength(2);
  });
});
