import { outcome, type Claim } from '@xport/provider-sdk';
import { describe, expect, it } from 'vitest';
import { computeNextAttempt } from '../../src/spooler/next-attempt.js';
import { groupClaims } from '../../src/spooler/group-claims.js';
import { toSpoolerOptions } from '../../src/spooler/options.js';
import { normalizeOutcomes, toClaimResult } from '../../src/spooler/outcomes.js';
import { createProviderLimiter } from '../../src/spooler/provider-limiter.js';
import { nextProviderAfter, routeRecipients } from '../../src/spooler/route-recipients.js';
import { checkHeaderField } from '../../src/spooler/validate-message.js';

const retry = { minDelayMs: 300_000, maxDelayMs: 4_000_000, lifetimeMs: 432_000_000 };

describe('computeNextAttempt', () => {
  it('doubles from the minimum delay up to the maximum, with jitter kept inside the bounds', () => {
    const at = (attempts: number, random: number) => computeNextAttempt({ now: 0, attempts, expiresAt: Infinity, retry, random: () => random });
    expect([1, 2, 3, 4, 5, 6].map((n) => at(n, 0.5))).toEqual([300_000, 600_000, 1_200_000, 2_400_000, 4_000_000, 4_000_000]);
    expect(at(1, 0)).toBe(300_000); // never below the minimum
    expect(at(2, 0)).toBe(450_000);
    expect(at(6, 0.999)).toBe(4_000_000); // never above the maximum
  });

  it('honours a retry-after (floored at one second), and never goes past expiry', () => {
    expect(computeNextAttempt({ now: 10, attempts: 1, retryAfterMs: 5000, expiresAt: Infinity, retry })).toBe(5010);
    expect(computeNextAttempt({ now: 10, attempts: 1, retryAfterMs: 0, expiresAt: Infinity, retry })).toBe(1010);
    expect(computeNextAttempt({ now: 10, attempts: 9, expiresAt: 5000, retry })).toBe(5000);
  });
});

describe('normalizeOutcomes', () => {
  it('spreads one outcome, keeps good lists, defers anything malformed', () => {
    expect(normalizeOutcomes(outcome.delivered(), 2, 'p')).toEqual([outcome.delivered(), outcome.delivered()]);
    expect(normalizeOutcomes([outcome.notMe(), { status: 'deferred', retryAfterMs: -1 }], 2, 'p').map((o) => o.status)).toEqual(['not-me', 'deferred']);
    expect(normalizeOutcomes([], 1, 'p')[0]).toMatchObject({ status: 'deferred', code: '4.3.0' });
    expect(normalizeOutcomes('ok', 1, 'p')[0]).toMatchObject({ status: 'deferred', diagnostic: expect.stringContaining('"ok"') });
  });
});

describe('toClaimResult', () => {
  const claim: Claim = { leaseId: 'l', messageId: 'm', recipientIndex: 0, recipient: { type: 'x400', address: 'a' }, role: 'to', provider: 'p1', attempts: 0, leaseExpiresAt: 0 };
  const routing = { providersFor: (type: string) => (type === 'x400' ? ['p1', 'p2'] : []) };
  const ctx = { claim, now: 100, submittedAt: 0, expiresAt: 1000, retry, routing, random: () => 0.5 };

  it('maps each outcome to a claim result', () => {
    expect(toClaimResult(outcome.delivered(), ctx)).toEqual({ state: 'delivered' });
    expect(toClaimResult(outcome.failed('5.1.1', 'x'), ctx)).toEqual({ state: 'failed', error: { code: '5.1.1', diagnostic: 'x' } });
    expect(toClaimResult(outcome.notMe(), ctx)).toEqual({ state: 'queued', provider: 'p2', nextAttemptAt: 100, destination: claim.recipient.type });
    expect(toClaimResult(outcome.notMe(), { ...ctx, claim: { ...claim, provider: 'p2' } })).toMatchObject({ state: 'failed', error: { code: '5.4.4' } });
    expect(toClaimResult(outcome.deferred(), ctx)).toMatchObject({ state: 'deferred', nextAttemptAt: 1000, countAttempt: true });
    expect(toClaimResult(outcome.deferred(), { ...ctx, now: 1000 })).toMatchObject({ state: 'expired', error: { code: '4.4.7' } });
  });
});

describe('routing helpers', () => {
  const routing = { providersFor: (type: string) => ({ x400: ['a', 'b'], fax: [] as string[] })[type] ?? [] };
  it('routes to the first provider or fails with 5.1.2, and finds the next one after not-me', () => {
    const routed = routeRecipients(
      [
        { recipient: { type: 'x400', address: '1' }, role: 'to' },
        { recipient: { type: 'fax', address: '2' }, role: 'cc' },
      ],
      routing,
    );
    expect(routed.map((r) => [r.provider, r.state, r.lastError?.code])).toEqual([
      ['a', 'queued', undefined],
      [null, 'failed', '5.1.2'],
    ]);
    expect([nextProviderAfter(routing, 'x400', 'a'), nextProviderAfter(routing, 'x400', 'b'), nextProviderAfter(routing, 'x400', 'gone')]).toEqual(['b', null, 'a']);
  });

  it('groups claims by provider, message and destination, keeping order', () => {
    const c = (messageId: string, provider: string, recipientIndex: number, address = 'a@one'): Claim => ({ ...baseClaim, messageId, provider, recipientIndex, recipient: { type: 'x', address } });
    const baseClaim: Claim = { leaseId: 'l', messageId: '', recipientIndex: 0, recipient: { type: 'x', address: 'a' }, role: 'to', provider: '', attempts: 0, leaseExpiresAt: 0 };
    const domain = (claim: Claim): string => claim.recipient.address.split('@')[1]!;
    const groups = groupClaims([c('m1', 'p', 0), c('m2', 'p', 0), c('m1', 'q', 1), c('m1', 'p', 2), c('m1', 'p', 3, 'b@two'), c('m1', 'p', 4)], domain);
    expect(groups.map((g) => [g.provider, g.messageId, g.destination, g.claims.map((x) => x.recipientIndex)])).toEqual([
      ['p', 'm1', 'one', [0, 2, 4]],
      ['p', 'm2', 'one', [0]],
      ['q', 'm1', 'one', [1]],
      ['p', 'm1', 'two', [3]],
    ]);
  });
});

describe('createProviderLimiter', () => {
  it('holds concurrency and refills rate tokens with time', () => {
    const limiter = createProviderLimiter((id) => (id === 'c' ? { concurrency: 1, ratePerSecond: 0 } : { concurrency: 0, ratePerSecond: 2 }));
    expect(limiter.tryAcquire('c', 0)).toBe(true);
    expect(limiter.hasCapacity('c', 0)).toBe(false);
    limiter.release('c');
    expect(limiter.tryAcquire('c', 0)).toBe(true);

    expect([limiter.tryAcquire('r', 0), limiter.tryAcquire('r', 0), limiter.tryAcquire('r', 0)]).toEqual([true, true, false]);
    expect(limiter.nextTokenAt('r', 0)).toBe(500);
    expect(limiter.tryAcquire('r', 500)).toBe(true);
  });

  it('puts a claim round off until a quarter of the window is free, unless nothing is in flight', () => {
    const limiter = createProviderLimiter((id) => ({ concurrency: id === 'wide' ? 20 : 2, ratePerSecond: 0 }));
    expect(limiter.worthClaiming('wide', 100)).toBe(true);
    for (let i = 0; i < 20; i++) limiter.tryAcquire('wide', 0);
    const freed = [];
    for (let i = 0; i < 5; i++) {
      limiter.release('wide');
      freed.push(limiter.worthClaiming('wide', 100));
    }
    expect(freed).toEqual([false, false, false, false, true]);
    // Never more than a batch's worth is waited for.
    expect(limiter.worthClaiming('wide', 2)).toBe(true);
    // A narrow window claims as soon as one slot frees.
    limiter.tryAcquire('narrow', 0);
    expect(limiter.worthClaiming('narrow', 100)).toBe(true);
  });
});

describe('options and headers', () => {
  it('fills Postfix-like defaults and refuses a zero delay', () => {
    expect(toSpoolerOptions().retry).toEqual(retry);
    expect(() => toSpoolerOptions({ retry: { minDelayMs: 0 } })).toThrow(/retry.minDelayMs must be a positive number/);
    expect(() => toSpoolerOptions({ retry: { minDelayMs: 10, maxDelayMs: 5 } })).toThrow(/must not be below/);
  });

  it('accepts a tab in a header value but no other control character', () => {
    expect(() => checkHeaderField('X-A', 'a\tb')).not.toThrow();
    expect(() => checkHeaderField('X-A', 'a\rb')).toThrow(/header "X-A"/);
    expect(() => checkHeaderField('X A', 'v')).toThrow(/field name/);
  });
});
