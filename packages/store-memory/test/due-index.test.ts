import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DueIndex } from '../src/due-index.js';
import { createMemoryRecipient, type MemoryMessage, type MemoryRecipient } from '../src/memory-records.js';

/** A recipient of its own message (submit order `seq`), as the store creates it, not filed anywhere yet. */
function makeRecipient(seq: number, index: number, provider: string | null, destination?: string): MemoryRecipient {
  const message = { seq, id: `m${seq}` } as MemoryMessage;
  return createMemoryRecipient(message, index, { recipient: { type: 'test', address: `r${seq}.${index}` }, role: 'to', provider, ...(destination ? { destination } : {}) }, 0);
}

const names = (rs: readonly MemoryRecipient[]): string[] => rs.map((r) => r.recipient.address);
const order = (a: { at: number; r: MemoryRecipient }, b: { at: number; r: MemoryRecipient }): number =>
  a.at - b.at || a.r.message.seq - b.r.message.seq || a.r.index - b.r.index;

describe('due index', () => {
  it('sets a skipped destination\'s due recipients aside, keeps them filed, and puts them back in order once not skipped', () => {
    const index = new DueIndex();
    const held = [1, 2, 3].map((seq) => makeRecipient(seq, 0, 'p1', 'held'));
    const other = [4, 5].map((seq) => makeRecipient(seq, 0, 'p1', 'other'));
    for (const r of [...held, ...other]) index.update(r, 10);
    expect(names(index.takeDue(100, 1, ['p1'], ['held']))).toEqual(names([other[0]!]));
    // Set aside, still filed: the earliest due time and a re-file see them.
    expect(index.earliest()).toBe(10);
    index.update(held[2]!, 50);
    expect(names(index.takeDue(100, 10, ['p1'], ['held']))).toEqual(names([other[1]!]));
    expect(names(index.takeDue(100, 10, ['p1']))).toEqual(names([held[0]!, held[1]!, held[2]!]));
    expect(index.earliest()).toBeNull();
  });

  it('takes the due recipients of the asked providers earliest first, ties in submit order then recipient index', () => {
    const index = new DueIndex();
    const a = makeRecipient(2, 0, 'p1');
    const b = makeRecipient(1, 1, 'p1');
    const c = makeRecipient(1, 0, 'p2');
    const d = makeRecipient(3, 0, 'p1');
    index.update(a, 100);
    index.update(b, 100);
    index.update(c, 100);
    index.update(d, 50);
    expect(index.earliest()).toBe(50);
    expect(names(index.takeDue(100, 10, ['p1', 'p2']))).toEqual(names([d, c, b, a]));
    expect(index.earliest()).toBeNull();
  });

  it('re-files in place: an earlier or later time, another provider, or out of the index', () => {
    const index = new DueIndex();
    const [a, b, c] = [makeRecipient(1, 0, 'p1'), makeRecipient(2, 0, 'p1'), makeRecipient(3, 0, 'p1')];
    for (const r of [a, b, c]) index.update(r, 10);
    index.update(c, 5);
    index.update(a, 20);
    expect(names(index.takeDue(100, 1, ['p1']))).toEqual(names([c]));
    b.provider = 'p2';
    index.update(b, 10);
    expect(names(index.takeDue(100, 10, ['p1']))).toEqual(names([a]));
    index.update(b, null);
    expect(index.takeDue(100, 10, undefined)).toEqual([]);
    expect(b.heapIndex).toBe(-1);
    expect(b.runIndex).toBe(-1);
  });

  it('keeps its order over thousands filed in order, with most removed and some re-filed out of order', () => {
    const index = new DueIndex();
    const recipients = Array.from({ length: 6000 }, (_, i) => makeRecipient(i + 1, 0, 'p1'));
    const model = new Map<MemoryRecipient, number>();
    // In order: all go to the sorted run.
    recipients.forEach((r, i) => {
      index.update(r, 1000 + i);
      model.set(r, 1000 + i);
    });
    // Holes: two of every three removed, enough to compact the run more than once.
    recipients.forEach((r, i) => {
      if (i % 3 !== 0) {
        index.update(r, null);
        model.delete(r);
      }
    });
    // Out of order: every 9th kept one moves earlier (into the heap), and a late one is filed again.
    recipients.forEach((r, i) => {
      if (i % 9 === 0) {
        index.update(r, 500 + i);
        model.set(r, 500 + i);
      }
    });
    const expected = [...model].map(([r, at]) => ({ r, at })).sort(order).map(({ r }) => r);
    const taken: MemoryRecipient[] = [];
    for (let batch = index.takeDue(Infinity, 100, ['p1']); batch.length > 0; batch = index.takeDue(Infinity, 100, ['p1'])) taken.push(...batch);
    expect(names(taken)).toEqual(names(expected));
    expect(index.earliest()).toBeNull();
    // Filed again after it ran dry, in order: the run starts over.
    index.update(recipients[3]!, 1);
    index.update(recipients[6]!, 2);
    expect(names(index.takeDue(10, 10, ['p1']))).toEqual(names([recipients[3]!, recipients[6]!]));
  });

  it('agrees with a sorted list under any sequence of updates and takes', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('update' as const), who: fc.nat(19), at: fc.option(fc.nat(50), { nil: null }), provider: fc.constantFrom('p1', 'p2', 'p3') }),
      fc.record({ kind: fc.constant('take' as const), now: fc.nat(60), limit: fc.nat(6), providers: fc.option(fc.subarray(['p1', 'p2', 'p3']), { nil: undefined }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const index = new DueIndex();
        const recipients = Array.from({ length: 20 }, (_, i) => makeRecipient(i >> 1, i & 1, 'p1'));
        const model = new Map<MemoryRecipient, number>();
        for (const o of ops) {
          if (o.kind === 'update') {
            const r = recipients[o.who]!;
            r.provider = o.provider;
            index.update(r, o.at);
            if (o.at === null) model.delete(r);
            else model.set(r, o.at);
          } else {
            const expected = [...model]
              .map(([r, at]) => ({ r, at }))
              .filter(({ r, at }) => at <= o.now && (o.providers === undefined || o.providers.includes(r.provider!)))
              .sort(order)
              .slice(0, o.limit)
              .map(({ r }) => r);
            for (const r of expected) model.delete(r);
            expect(names(index.takeDue(o.now, o.limit, o.providers))).toEqual(names(expected));
          }
          const earliest = model.size === 0 ? null : Math.min(...model.values());
          expect(index.earliest()).toBe(earliest);
        }
      }),
    );
  });
});
