import { describe, expect, it } from 'vitest';
import {
  FINAL_RECIPIENT_STATES,
  RECIPIENT_STATES,
  XportError,
  applyRecipientTransition,
  checkCompletionLease,
  isFinalRecipientState,
  isLeaseCurrent,
  isLeaseExpired,
  isStranded,
  isWaitingRecipientState,
  recipientDueAt,
  recipientTransition,
  strandedCondition,
  type ClaimResult,
  type RecipientProgress,
} from '../src/index.js';

const busy = { code: '4.2.1', diagnostic: 'busy' };
const gone = { code: '5.1.1', diagnostic: 'unknown' };
const before: RecipientProgress = { state: 'in-flight', provider: 'p1', attempts: 2, nextAttemptAt: 1500, lastError: busy, updatedAt: 1600 };

describe('recipient states', () => {
  it('tells final, waiting and in-flight states apart', () => {
    expect(RECIPIENT_STATES.filter(isFinalRecipientState)).toEqual(FINAL_RECIPIENT_STATES);
    expect(RECIPIENT_STATES.filter(isWaitingRecipientState)).toEqual(['queued', 'deferred']);
  });

  it('is due at its next attempt while waiting, at its lease expiry in flight, never once final', () => {
    expect(recipientDueAt({ state: 'queued', nextAttemptAt: 1000, leaseExpiresAt: null })).toBe(1000);
    expect(recipientDueAt({ state: 'in-flight', nextAttemptAt: 1000, leaseExpiresAt: 61_000 })).toBe(61_000);
    for (const state of FINAL_RECIPIENT_STATES) expect(recipientDueAt({ state, nextAttemptAt: 1000, leaseExpiresAt: 5 })).toBeNull();
  });
});

describe('recipientTransition', () => {
  // result → [state, attempts after, nextAttemptAt after, provider after, lastError after, final]
  const table: ReadonlyArray<[string, ClaimResult, RecipientProgress['state'], number, number | null, string | null, unknown, boolean]> = [
    ['delivered counts the attempt, keeps the last error', { state: 'delivered' }, 'delivered', 3, null, 'p1', busy, true],
    ['failed counts the attempt', { state: 'failed', error: gone }, 'failed', 3, null, 'p1', gone, true],
    ['expired counts none', { state: 'expired', error: gone }, 'expired', 2, null, 'p1', gone, true],
    ['counted deferral', { state: 'deferred', nextAttemptAt: 9000, countAttempt: true }, 'deferred', 3, 9000, 'p1', busy, false],
    ['uncounted deferral with a new error', { state: 'deferred', nextAttemptAt: 9000, countAttempt: false, error: gone }, 'deferred', 2, 9000, 'p1', gone, false],
    ['hand-over keeps its place', { state: 'queued', provider: 'p2' }, 'queued', 2, 1500, 'p2', busy, false],
    ['hand-over at a time', { state: 'queued', provider: null, nextAttemptAt: 7000 }, 'queued', 2, 7000, null, busy, false],
  ];
  for (const [name, result, state, attempts, nextAttemptAt, provider, lastError, final] of table) {
    it(name, () => {
      const transition = recipientTransition(result);
      expect(transition.final).toBe(final);
      expect(transition.wakes).toBe(!final);
      expect(applyRecipientTransition(before, transition, 2000)).toEqual({ state, attempts, nextAttemptAt, provider, lastError, updatedAt: 2000 });
    });
  }

  it('puts a hand-over without a time that had no due time at now', () => {
    const next = applyRecipientTransition({ ...before, nextAttemptAt: null }, recipientTransition({ state: 'queued', provider: 'p2' }), 2000);
    expect(next.nextAttemptAt).toBe(2000);
  });
});

describe('lease rules', () => {
  const completion = { leaseId: 'L1', messageId: 'm1', recipientIndex: 3, result: { state: 'delivered' } as const };

  it('holds a lease current while in flight under it, expired or not', () => {
    expect(isLeaseCurrent({ state: 'in-flight', leaseId: 'L1' }, 'L1')).toBe(true);
    expect(isLeaseCurrent({ state: 'in-flight', leaseId: 'L2' }, 'L1')).toBe(false);
    expect(isLeaseCurrent({ state: 'delivered', leaseId: 'L1' }, 'L1')).toBe(false);
    expect([isLeaseExpired(2100, 2099), isLeaseExpired(2100, 2100)]).toEqual([false, true]);
  });

  it('refuses an unknown recipient and a stale lease with coded errors naming them', () => {
    expect(() => checkCompletionLease('test store', completion, undefined)).toThrow(expect.objectContaining({ code: 'XPORT_STORE_NOT_FOUND' }));
    let error: unknown;
    try {
      checkCompletionLease('test store', completion, { state: 'queued', leaseId: null });
    } catch (e) {
      error = e;
    }
    expect(XportError.is(error, 'XPORT_STORE_STALE_LEASE')).toBe(true);
    expect((error as XportError).message).toBe('test store: message m1 recipient #3: lease L1 is no longer current (found no lease, state queued)');
    expect((error as XportError).details).toEqual({ messageId: 'm1', recipientIndex: 3, expected: 'L1', found: null });
  });
});

describe('stranded rule', () => {
  const base = { state: 'queued', provider: 'p1', dueAt: 1000, expiresAt: 9000 } as const;
  const table: ReadonlyArray<[string, Parameters<typeof isStranded>[0], boolean]> = [
    ['routed and young', base, false],
    ['no provider', { ...base, provider: null }, true],
    ['expired message', { ...base, expiresAt: 2000 }, true],
    ['in flight under a live lease', { ...base, state: 'in-flight', provider: null, dueAt: 3000 }, false],
    ['in flight under an expired lease', { ...base, state: 'in-flight', provider: null, dueAt: 2000 }, true],
    ['final (not due)', { ...base, state: 'failed', provider: null, dueAt: null }, false],
    ['held, message expired', { ...base, state: 'held', dueAt: null, expiresAt: 2000 }, false],
    ['held with expire, message young', { ...base, state: 'held', dueAt: null, expiresWhileHeld: true }, false],
    ['held with expire, message expired', { ...base, state: 'held', dueAt: null, expiresAt: 2000, expiresWhileHeld: true }, true],
    ['held with expire, no provider, message young', { ...base, state: 'held', provider: null, dueAt: null, expiresWhileHeld: true }, false],
    ['queued (flag left from an earlier hold), message young', { ...base, expiresWhileHeld: true }, false],
  ];
  for (const [name, input, stranded] of table) it(`${name}: ${stranded}`, () => expect(isStranded(input, 2000)).toBe(stranded));

  it('writes the same rule as a SQL condition', () => {
    expect(strandedCondition({ state: 's', provider: 'p', dueAt: 'd', expiresAt: 'e', expiresWhileHeld: 'h' }, '?')).toBe(
      "((d IS NOT NULL AND (s <> 'in-flight' OR d <= ?) AND (p IS NULL OR e <= ?)) OR (s = 'held' AND h = TRUE AND e <= ?))",
    );
  });
});
