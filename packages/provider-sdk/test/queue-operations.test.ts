import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DELETED_ERROR,
  QUEUE_OPERATIONS,
  RECIPIENT_STATES,
  XportError,
  checkOperationFilter,
  checkOperationOptions,
  fromQueueCursor,
  isFinalRecipientState,
  isStranded,
  queueOperationApplies,
  queueOperationCondition,
  queueOperationResult,
  recipientDomain,
  recipientDueAt,
  recipientFilterCondition,
  recipientMatches,
  selectsEverything,
  skipsInFlight,
  toQueueCursor,
  toRecipientFilter,
  type FilterInput,
  type RecipientFilter,
} from '../src/index.js';

const input = (over: Partial<FilterInput> = {}): FilterInput => ({
  state: 'queued',
  provider: 'smtp',
  recipient: { type: 'smtp', address: 'ada@Example.ORG' },
  messageId: 'm1',
  submittedAt: 1000,
  ...over,
});

const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    return XportError.is(error) ? error.code : String(error);
  }
  return undefined;
};

describe('the queue filter rule', () => {
  it('takes the destination domain after the last @, lower case, IDNs in ASCII; none without an @', () => {
    expect(recipientDomain({ address: 'Ada@Example.ORG' })).toBe('example.org');
    expect(recipientDomain({ address: '"a@b"@Bücher.Example' })).toBe('xn--bcher-kva.example');
    expect(recipientDomain({ address: 'ops' })).toBeNull();
    expect(recipientDomain({ address: 'ops@' })).toBeNull();
  });

  it('normalises a filter: domains and address types in lower case, an @ before a domain dropped, duplicates dropped', () => {
    expect(toRecipientFilter({ domains: ['@Example.ORG', 'example.org'], addressTypes: ['SMTP'], states: ['held', 'held'] })).toEqual({
      domains: ['example.org'],
      addressTypes: ['smtp'],
      states: ['held'],
    });
  });

  it('refuses a final state, an empty list, a time that is not a number', () => {
    expect(codeOf(() => toRecipientFilter({ states: ['delivered'] }))).toBe('XPORT_QUEUE_FILTER_INVALID');
    expect(codeOf(() => toRecipientFilter({ domains: [] }))).toBe('XPORT_QUEUE_FILTER_INVALID');
    expect(codeOf(() => toRecipientFilter({ submittedBefore: Number.NaN }))).toBe('XPORT_QUEUE_FILTER_INVALID');
  });

  it('an operation needs all: true to select everything, and all: true alone', () => {
    expect(selectsEverything({})).toBe(true);
    expect(selectsEverything({ states: ['queued', 'in-flight', 'deferred', 'held'] })).toBe(true);
    expect(selectsEverything({ states: ['queued'] })).toBe(false);
    expect(codeOf(() => checkOperationFilter({}))).toBe('XPORT_QUEUE_FILTER_UNBOUNDED');
    expect(codeOf(() => checkOperationFilter({ states: ['held', 'queued', 'deferred', 'in-flight'] }))).toBe('XPORT_QUEUE_FILTER_UNBOUNDED');
    expect(checkOperationFilter({ all: true })).toEqual({ all: true });
    expect(codeOf(() => checkOperationFilter({ all: true, providers: ['smtp'] }))).toBe('XPORT_QUEUE_FILTER_INVALID');
    expect(checkOperationFilter({ domains: ['Example.org'] })).toEqual({ domains: ['example.org'] });
  });

  it('matches every criterion together (AND), any value of a list (OR)', () => {
    const f = (filter: RecipientFilter) => recipientMatches(toRecipientFilter(filter), input());
    expect(f({})).toBe(true);
    expect(f({ domains: ['EXAMPLE.org', 'other.example'] })).toBe(true);
    expect(f({ domains: ['other.example'] })).toBe(false);
    expect(f({ providers: ['smtp'], addressTypes: ['SMTP'], messageIds: ['m1', 'm2'], submittedBefore: 1001 })).toBe(true);
    expect(f({ providers: ['smtp'], submittedBefore: 1000 })).toBe(false);
    expect(f({ states: ['held'] })).toBe(false);
    expect(recipientMatches({}, input({ state: 'delivered' }))).toBe(false);
    expect(recipientMatches({ providers: ['smtp'] }, input({ provider: null }))).toBe(false);
    expect(recipientMatches({ domains: ['example.org'] }, input({ recipient: { type: 'loopback', address: 'ops' } }))).toBe(false);
  });

  it('writes the same rule as SQL, every value bound, none spliced in', () => {
    const params: Array<string | number> = [];
    const sql = recipientFilterCondition(
      toRecipientFilter({ domains: ["x'; DROP TABLE r; --"], providers: ['smtp'], submittedBefore: 5 }),
      { state: 'r.state', provider: 'r.provider', addressType: 'r.address_type', domain: 'r.domain', submittedAt: 'm.submitted_at', messageId: 'm.id' },
      (value) => (params.push(value), `$${params.length}`),
    );
    expect(sql).toBe('r.state IN ($1, $2, $3, $4) AND r.provider IN ($5) AND r.domain IN ($6) AND m.submitted_at < $7');
    expect(params).toEqual(['queued', 'in-flight', 'deferred', 'held', 'smtp', "x'; drop table r; --", 5]);
  });
});

describe('queue operation transitions', () => {
  it('hold: queued and deferred become held, with no due time, so neither claimed nor stranded nor expired', () => {
    expect(queueOperationApplies('hold', { state: 'queued', nextAttemptAt: 1 }, 5)).toBe(true);
    expect(queueOperationApplies('hold', { state: 'deferred', nextAttemptAt: 9 }, 5)).toBe(true);
    expect(queueOperationApplies('hold', { state: 'in-flight', nextAttemptAt: 1 }, 5)).toBe(false);
    const held = queueOperationResult('hold', 5);
    expect(held).toEqual({ state: 'held', nextAttemptAt: null, final: false, lastError: undefined, event: 'held', expiresWhileHeld: false });
    const dueAt = recipientDueAt({ state: held.state, nextAttemptAt: held.nextAttemptAt, leaseExpiresAt: null });
    expect(dueAt).toBeNull();
    // Past its message's expiry and with no provider: still not stranded while held.
    expect(isStranded({ state: 'held', provider: null, dueAt, expiresAt: 0, expiresWhileHeld: held.expiresWhileHeld }, 10 ** 12)).toBe(false);
  });

  it('hold with expire: held the same way, but stranded (so expired, never sent) once its message is past its lifetime', () => {
    const held = queueOperationResult('hold', 5, { expire: true });
    expect(held).toEqual({ state: 'held', nextAttemptAt: null, final: false, lastError: undefined, event: 'held', expiresWhileHeld: true });
    const dueAt = recipientDueAt({ state: held.state, nextAttemptAt: held.nextAttemptAt, leaseExpiresAt: null });
    expect(dueAt).toBeNull();
    const recipient = { state: held.state, provider: 'smtp', dueAt, expiresAt: 9000, expiresWhileHeld: held.expiresWhileHeld };
    expect(isStranded(recipient, 8999)).toBe(false);
    expect(isStranded(recipient, 9000)).toBe(true);
    // expire is the hold's alone: every other result clears it, so a released recipient is an ordinary one again.
    for (const op of ['release', 'retry', 'delete'] as const) expect(queueOperationResult(op, 5, { expire: true }).expiresWhileHeld).toBe(false);
  });

  it('checks the options: expire is a boolean, and expire: true belongs to hold alone', () => {
    expect(checkOperationOptions('hold', { expire: true })).toEqual({ expire: true });
    expect(checkOperationOptions('hold', {})).toEqual({});
    expect(checkOperationOptions('release', { expire: false })).toEqual({ expire: false });
    for (const op of ['release', 'retry', 'delete'] as const) expect(codeOf(() => checkOperationOptions(op, { expire: true }))).toBe('XPORT_QUEUE_OPERATION_INVALID');
    expect(codeOf(() => checkOperationOptions('hold', { expire: 'yes' } as never))).toBe('XPORT_QUEUE_OPERATION_INVALID');
    expect(codeOf(() => checkOperationOptions('hold', { expire: 1 } as never))).toBe('XPORT_QUEUE_OPERATION_INVALID');
  });

  it('release and retry queue due now; retry leaves a due queued recipient alone; delete aborts with the deleted diagnostic', () => {
    expect(queueOperationResult('release', 7)).toEqual({ state: 'queued', nextAttemptAt: 7, final: false, lastError: undefined, event: 'released', expiresWhileHeld: false });
    expect(queueOperationApplies('retry', { state: 'queued', nextAttemptAt: 7 }, 7)).toBe(false);
    expect(queueOperationApplies('retry', { state: 'queued', nextAttemptAt: 8 }, 7)).toBe(true);
    expect(queueOperationResult('delete', 7)).toEqual({ state: 'aborted', nextAttemptAt: null, final: true, lastError: DELETED_ERROR, event: 'deleted', expiresWhileHeld: false });
    expect(queueOperationResult('retry', 7).event).toBeUndefined();
    expect(DELETED_ERROR.code).toBe('5.0.0');
    expect(skipsInFlight('release')).toBe(false);
    expect(skipsInFlight('hold')).toBe(true);
  });

  it('never changes a recipient in flight or final, and what it makes it never selects again (so batches end)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...QUEUE_OPERATIONS), fc.constantFrom(...RECIPIENT_STATES), fc.option(fc.integer({ min: 0, max: 10 ** 6 }), { nil: null }), fc.integer({ min: 0, max: 10 ** 6 }), (op, state, next, now) => {
        const applies = queueOperationApplies(op, { state, nextAttemptAt: next }, now);
        if (state === 'in-flight' || isFinalRecipientState(state)) expect(applies).toBe(false);
        if (!applies) return;
        const after = queueOperationResult(op, now);
        expect(queueOperationApplies(op, { state: after.state, nextAttemptAt: after.nextAttemptAt }, now)).toBe(false);
        expect(after.final).toBe(isFinalRecipientState(after.state));
      }),
    );
  });

  it('writes each operation as SQL over the same states', () => {
    const columns = { state: 'r.state', nextAttemptAt: 'r.next_attempt_at' };
    expect(queueOperationCondition('hold', columns, '?')).toBe("r.state IN ('queued', 'deferred')");
    expect(queueOperationCondition('release', columns, '?')).toBe("r.state = 'held'");
    expect(queueOperationCondition('retry', columns, '$1')).toBe("(r.state = 'deferred' OR (r.state = 'queued' AND r.next_attempt_at > $1))");
    expect(queueOperationCondition('delete', columns, '?')).toBe("r.state IN ('queued', 'deferred', 'held')");
  });
});

describe('queue cursors', () => {
  it('round-trips a position and refuses a cursor no listing issued', () => {
    expect(fromQueueCursor(toQueueCursor({ seq: 42, index: 3 }))).toEqual({ seq: 42, index: 3 });
    expect(codeOf(() => fromQueueCursor('bm90LWEtY3Vyc29y'))).toBe('XPORT_QUEUE_FILTER_INVALID');
  });
});
