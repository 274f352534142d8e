import { describe, expect, it } from 'vitest';
import type { DeliveryEvent } from '../src/app/api/api-types.js';
import { readRecentEvents, type ReadEventPage } from '../src/app/api/recent-events.js';

const MINUTE = 60_000;
const NOW = Date.parse('2026-12-02T12:00:00.000Z');

/** A log of `count` events, one a minute up to NOW, with every `gap`th id missing (pruned or of another type). */
function logOf(count: number, gap = 0): DeliveryEvent[] {
  const events: DeliveryEvent[] = [];
  for (let id = 1; events.length < count; id++) {
    if (gap > 0 && id % gap === 0) continue;
    events.push({ id, type: 'delivered', at: '', messageId: `m${id}` });
  }
  return events.map((e, i) => ({ ...e, at: new Date(NOW - (count - 1 - i) * MINUTE).toISOString() }));
}

/** The API's JSON page over `log`, counting the reads. */
function pagesOf(log: readonly DeliveryEvent[]) {
  const reads: { after: number; limit: number }[] = [];
  const read: ReadEventPage = async (after, limit) => {
    reads.push({ after, limit });
    const events = log.filter((e) => e.id > after).slice(0, limit);
    return { events, lastEventId: events.at(-1)?.id ?? after };
  };
  return { read, reads };
}

const signal = new AbortController().signal;

describe('readRecentEvents', () => {
  it('reads only the window of a long log, bisecting to its first event in a few small reads', async () => {
    const log = logOf(100_000, 7);
    const { read, reads } = pagesOf(log);
    const since = NOW - 59 * MINUTE;
    const recent = await readRecentEvents(read, since, signal);
    expect(recent.events.map((e) => e.id)).toEqual(log.slice(-60).map((e) => e.id));
    expect(recent.lastEventId).toBe(log.at(-1)!.id);
    expect(reads.filter((r) => r.limit === 1).length).toBeLessThan(2 * Math.log2(log.at(-1)!.id) + 4);
    expect(reads.filter((r) => r.limit > 1)).toEqual([{ after: log.at(-61)!.id, limit: 1000 }]);
  });

  it('reads a window longer than a page a page at a time, and an empty log in one read', async () => {
    const log = logOf(2_500);
    const { read, reads } = pagesOf(log);
    const recent = await readRecentEvents(read, NOW - 2_400 * MINUTE, signal, 1000);
    expect(recent.events).toHaveLength(2_401);
    expect(recent.events[0]!.id).toBe(100);
    expect(reads.filter((r) => r.limit > 1).map((r) => r.after)).toEqual([99, 1099, 2099]);

    const empty = pagesOf([]);
    expect(await readRecentEvents(empty.read, NOW, signal)).toEqual({ events: [], lastEventId: 0 });
    expect(empty.reads).toEqual([{ after: 0, limit: 1 }, { after: 0, limit: 1000 }]);
  });

  it('starts after the whole log when nothing is recent, so a stream resumes with new events only', async () => {
    const log = logOf(500);
    const { read } = pagesOf(log);
    expect(await readRecentEvents(read, NOW + MINUTE, signal)).toEqual({ events: [], lastEventId: 500 });
  });
});
