import { outcome } from '@xport/provider-sdk';
import { describe, expect, it } from 'vitest';
import { FRESH_DESTINATION_FLOW, nextDestinationFlow, toDestinationSignal, type DestinationFlow, type FlowContext } from '../../src/spooler/destination-flow.js';
import { createDestinationLimiter } from '../../src/spooler/destination-limiter.js';
import { limitsOfDestination, matchesDestination } from '../../src/spooler/destination-limits.js';

const ctx = (over: Partial<FlowContext> = {}): FlowContext => ({
  limit: 8,
  inFlight: 8,
  suspendAfterFailures: 3,
  now: 1000,
  backoff: { minDelayMs: 100, maxDelayMs: 10_000 },
  random: () => 1,
  ...over,
});

describe('destination signals', () => {
  it('reads a throttle from 421, 4.7.x or "too many connections", a failure when every recipient deferred', () => {
    expect(toDestinationSignal([outcome.delivered(), outcome.deferred({ code: '4.7.0', diagnostic: 'slow down' })])).toBe('throttled');
    expect(toDestinationSignal([outcome.deferred({ code: '4.4.2', diagnostic: '421 4.4.2 closing' })])).toBe('throttled');
    expect(toDestinationSignal([outcome.deferred({ diagnostic: 'Too many connections from your host' })])).toBe('throttled');
    expect(toDestinationSignal([outcome.deferred({ code: '4.4.1', diagnostic: 'no answer' }), outcome.deferred()])).toBe('failed');
    expect(toDestinationSignal([outcome.deferred(), outcome.failed('5.1.1', 'unknown user')])).toBe('answered');
    expect(toDestinationSignal([outcome.notMe()])).toBe('silent');
    // A code or port number that merely contains 421 is no throttle.
    expect(toDestinationSignal([outcome.deferred({ code: '4.4.1', diagnostic: 'connect to 10.0.0.1:14210 refused' })])).toBe('failed');
  });
});

describe('destination flow', () => {
  it('halves the window on a throttle, down to 1, and grows it by one per window of answered sends back to the limit', () => {
    let flow: DestinationFlow = nextDestinationFlow(FRESH_DESTINATION_FLOW, 'throttled', ctx({ inFlight: 6 }));
    expect(flow.window).toBe(3);
    flow = nextDestinationFlow(flow, 'throttled', ctx());
    expect(flow.window).toBe(1);
    expect(flow.failures).toBe(0);
    const windows: number[] = [];
    for (let i = 0; i < 30 && flow.window !== Infinity; i++) {
      flow = nextDestinationFlow(flow, 'answered', ctx());
      windows.push(flow.window);
    }
    // 1 answered → 2; 2 → 3; ...; reaching the limit (8) restores the configured concurrency.
    expect(windows.slice(0, 6)).toEqual([2, 2, 3, 3, 3, 4]);
    expect(flow.window).toBe(Infinity);
  });

  it('suspends after the configured failures in a row, one backoff step longer after a failed probe, and an answer ends it', () => {
    let flow = FRESH_DESTINATION_FLOW;
    flow = nextDestinationFlow(flow, 'failed', ctx());
    flow = nextDestinationFlow(flow, 'answered', ctx());
    expect(flow.failures).toBe(0);
    for (let i = 0; i < 3; i++) flow = nextDestinationFlow(flow, 'failed', ctx());
    expect(flow.suspendedUntil).toBe(1100);
    flow = nextDestinationFlow(flow, 'failed', ctx({ now: 1100 }));
    expect(flow.suspendedUntil).toBe(1300);
    flow = nextDestinationFlow(flow, 'answered', ctx({ now: 1300 }));
    expect(flow).toMatchObject({ suspendedUntil: undefined, suspensions: 0, failures: 0 });
    // A throttle at a window of 1 counts as a failure.
    flow = nextDestinationFlow({ ...FRESH_DESTINATION_FLOW, window: 1 }, 'throttled', ctx());
    expect(flow.failures).toBe(1);
    expect(nextDestinationFlow(FRESH_DESTINATION_FLOW, 'failed', ctx({ suspendAfterFailures: 0 })).suspendedUntil).toBeUndefined();
  });
});

describe('destination limits', () => {
  it('takes the first override whose pattern matches, over the defaults', () => {
    const per = {
      concurrency: 4,
      ratePerSecond: 0,
      suspendAfterFailures: 5,
      overrides: [
        { destination: '*.example.org', concurrency: 1 },
        { destination: 'mx.example.org', concurrency: 9, ratePerSecond: 2 },
        { destination: 'slow.test', ratePerSecond: 2 },
      ],
    };
    expect(limitsOfDestination(per, 'MX.example.org')).toEqual({ concurrency: 1, ratePerSecond: 0, suspendAfterFailures: 5 });
    expect(limitsOfDestination(per, 'slow.test')).toEqual({ concurrency: 4, ratePerSecond: 2, suspendAfterFailures: 5 });
    expect(limitsOfDestination(per, 'example.org').concurrency).toBe(4);
    expect(limitsOfDestination(undefined, 'any').concurrency).toBe(0);
    expect(matchesDestination('a.b', 'axb')).toBe(false);
  });

  it('admits up to the destination concurrency, puts the rest off, and shows the window feedback left', () => {
    const limiter = createDestinationLimiter({
      limitsOf: () => ({ concurrency: 10, ratePerSecond: 0, perDestination: { concurrency: 4, ratePerSecond: 0, suspendAfterFailures: 2, overrides: [] } }),
      backoff: () => ({ minDelayMs: 500, maxDelayMs: 5000 }),
      random: () => 1,
    });
    for (let i = 0; i < 4; i++) expect(limiter.admit('p', 'd', 0).admitted).toBe(true);
    expect(limiter.admit('p', 'd', 0)).toEqual({ admitted: false, until: 10, suspended: false });
    // The backlog is spread at the pace the destination takes sends (4 slots: a quarter of a send's time apart).
    expect([limiter.admit('p', 'd', 0), limiter.admit('p', 'd', 0)].map((a) => !a.admitted && a.until)).toEqual([13, 16]);
    expect(limiter.admit('p', 'other', 0).admitted).toBe(true);
    expect(limiter.held('p', 0)).toEqual(['d']);
    expect(limiter.held('q', 0)).toEqual([]);

    limiter.release('p', 'd', 'throttled', 40, 1);
    // Window 4 → 2, and 3 still in flight: nothing more until one is below it.
    expect(limiter.admit('p', 'd', 1)).toEqual({ admitted: false, until: 41, suspended: false });
    expect(limiter.held('p', 1)).toEqual(['d']);
    limiter.release('p', 'd', 'answered', 40, 2);
    limiter.release('p', 'd', 'answered', 40, 2);
    expect(limiter.admit('p', 'd', 2).admitted).toBe(true);
    expect(limiter.status(2).find((r) => r.destination === 'd')).toMatchObject({ inFlight: 2, concurrency: 3, concurrencyLimit: 4, suspendedUntil: null });
  });

  it('suspends a destination that fails every send, then lets one probe through', () => {
    const limiter = createDestinationLimiter({
      limitsOf: () => ({ concurrency: 0, ratePerSecond: 0, perDestination: { concurrency: 0, ratePerSecond: 0, suspendAfterFailures: 2, overrides: [] } }),
      backoff: () => ({ minDelayMs: 500, maxDelayMs: 5000 }),
      random: () => 1,
    });
    for (let i = 0; i < 2; i++) {
      expect(limiter.admit('p', 'down', 0).admitted).toBe(true);
      limiter.release('p', 'down', 'failed', 5, 0);
    }
    expect(limiter.admit('p', 'down', 100)).toEqual({ admitted: false, until: 500, suspended: true });
    expect(limiter.status(100)[0]).toMatchObject({ suspendedUntil: new Date(500).toISOString(), failuresInRow: 2 });
    // Held, so claims skip its recipients; the loop wakes when the suspension ends.
    expect(limiter.held('p', 100)).toEqual(['down']);
    expect(limiter.nextReleaseAt(100)).toBe(500);
    // At the end of the suspension its probe may go: no longer held.
    expect(limiter.held('p', 500)).toEqual([]);
    expect(limiter.nextReleaseAt(500)).toBeUndefined();
    expect(limiter.admit('p', 'down', 500).admitted).toBe(true);
    // The probe is out: held again until it has answered.
    expect(limiter.held('p', 500)).toEqual(['down']);
    // The probe is out: nothing else goes until it has answered.
    expect(limiter.admit('p', 'down', 501)).toMatchObject({ admitted: false, suspended: true });
    limiter.release('p', 'down', 'answered', 5, 502);
    expect(limiter.admit('p', 'down', 502).admitted).toBe(true);
    expect(limiter.admit('p', 'down', 502).admitted).toBe(true);
  });

  it('forgets a destination idle for ten minutes, but not one whose throttling still holds', () => {
    const limiter = createDestinationLimiter({ limitsOf: () => ({ concurrency: 8, ratePerSecond: 0 }), backoff: () => ({ minDelayMs: 500, maxDelayMs: 5000 }) });
    for (const name of ['idle', 'throttled']) limiter.admit('p', name, 0);
    limiter.release('p', 'idle', 'answered', 5, 0);
    limiter.release('p', 'throttled', 'throttled', 5, 0);
    limiter.admit('p', 'busy', 600_000);
    limiter.release('p', 'busy', 'answered', 5, 600_000);
    expect(limiter.status(600_000).map((r) => r.destination)).toEqual(['throttled', 'busy']);
  });

  it('holds a destination to its rate', () => {
    const limiter = createDestinationLimiter({
      limitsOf: () => ({ concurrency: 0, ratePerSecond: 0, perDestination: { concurrency: 0, ratePerSecond: 0, suspendAfterFailures: 0, overrides: [{ destination: 'r', ratePerSecond: 2 }] } }),
      backoff: () => ({ minDelayMs: 500, maxDelayMs: 5000 }),
    });
    expect(limiter.admit('p', 'r', 0).admitted).toBe(true);
    expect(limiter.admit('p', 'r', 0).admitted).toBe(true);
    expect(limiter.admit('p', 'r', 0)).toEqual({ admitted: false, until: 500, suspended: false });
    expect(limiter.status(0)[0]).toMatchObject({ ratePerSecond: 2, sentLastSecond: 2 });
  });

  it('counts the sends of the last second across thousands of sends, and cancelled ones out', () => {
    const limiter = createDestinationLimiter({ limitsOf: () => ({ concurrency: 0, ratePerSecond: 0 }), backoff: () => ({ minDelayMs: 500, maxDelayMs: 5000 }) });
    // 5,000 sends, one every millisecond: at each point the last second holds the last 1,000.
    for (let t = 0; t < 5000; t++) {
      expect(limiter.admit('p', 'd', t).admitted).toBe(true);
      limiter.release('p', 'd', 'answered', 1, t);
      if (t % 997 === 0) expect(limiter.status(t)[0]!.sentLastSecond).toBe(Math.min(t + 1, 1000));
    }
    expect(limiter.status(4999)[0]!.sentLastSecond).toBe(1000);
    limiter.admit('p', 'd', 4999);
    limiter.cancel('p', 'd');
    expect(limiter.status(4999)[0]!.sentLastSecond).toBe(1000);
    // Nothing within the last second: none, and a cancel then takes nothing older away.
    limiter.cancel('p', 'd');
    expect(limiter.status(7000)[0]!.sentLastSecond).toBe(0);
    limiter.admit('p', 'd', 7000);
    expect(limiter.status(7000)[0]!.sentLastSecond).toBe(1);
  });

  it("reads a transport's limits again once its configuration changes", () => {
    let limits = { concurrency: 1, ratePerSecond: 0 };
    const limiter = createDestinationLimiter({ limitsOf: () => limits, backoff: () => ({ minDelayMs: 500, maxDelayMs: 5000 }) });
    expect(limiter.admit('p', 'd', 0).admitted).toBe(true);
    expect(limiter.admit('p', 'd', 0).admitted).toBe(false);
    limits = { concurrency: 2, ratePerSecond: 0 };
    expect(limiter.admit('p', 'd', 0).admitted).toBe(true);
    expect(limiter.status(0)[0]).toMatchObject({ concurrencyLimit: 2, inFlight: 2 });
  });
});
