import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyRecipientTransition, isFinalRecipientState, isStranded, recipientTransition, type ClaimResult, type RecipientProgress } from '../src/index.js';

const time = fc.integer({ min: 0, max: 10 ** 12 });
const error = fc.record({ code: fc.string({ maxLength: 8 }), diagnostic: fc.string({ maxLength: 20 }) });
const provider = fc.option(fc.constantFrom('p1', 'p2'), { nil: null });
const result: fc.Arbitrary<ClaimResult> = fc.oneof(
  fc.constant({ state: 'delivered' as const }),
  error.map((e) => ({ state: 'failed' as const, error: e })),
  error.map((e) => ({ state: 'expired' as const, error: e })),
  fc.record({ nextAttemptAt: time, countAttempt: fc.boolean(), error: fc.option(error, { nil: undefined }) }).map((d) => ({
    state: 'deferred' as const,
    nextAttemptAt: d.nextAttemptAt,
    countAttempt: d.countAttempt,
    ...(d.error === undefined ? {} : { error: d.error }),
  })),
  fc.record({ provider, nextAttemptAt: fc.option(time, { nil: undefined }) }).map((q) => ({
    state: 'queued' as const,
    provider: q.provider,
    ...(q.nextAttemptAt === undefined ? {} : { nextAttemptAt: q.nextAttemptAt }),
  })),
);
const progress: fc.Arbitrary<RecipientProgress> = fc.record({
  state: fc.constant('in-flight' as const),
  provider,
  attempts: fc.nat({ max: 100 }),
  nextAttemptAt: fc.option(time, { nil: null }),
  lastError: fc.option(error, { nil: undefined }),
  updatedAt: time,
});

describe('recipient lifecycle properties', () => {
  it('never loses a recipient: a non-final result leaves it due at some time, a final one never due', () => {
    fc.assert(
      fc.property(progress, result, time, (before, r, now) => {
        const t = recipientTransition(r);
        const after = applyRecipientTransition(before, t, now);
        expect(isFinalRecipientState(after.state)).toBe(t.final);
        expect(after.nextAttemptAt === null).toBe(t.final);
        expect(after.attempts - before.attempts).toBe(t.attemptsAdded);
        expect(after.updatedAt).toBe(now);
        // A diagnostic, once set, is never dropped.
        if (before.lastError !== undefined) expect(after.lastError).toBeDefined();
      }),
    );
  });

  it('never strands a routed recipient of a live message, and always strands a waiting unrouted one', () => {
    fc.assert(
      fc.property(fc.constantFrom('queued' as const, 'deferred' as const), time, time, time, (state, dueAt, expiresAt, now) => {
        expect(isStranded({ state, provider: 'p1', dueAt, expiresAt }, now)).toBe(expiresAt <= now);
        expect(isStranded({ state, provider: null, dueAt, expiresAt }, now)).toBe(true);
      }),
    );
  });
});
