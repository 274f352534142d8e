import type { DeliveryEvent } from './api-types.js';

/** One JSON page of the event log: the events after `after` (oldest first), at most `limit`. */
export type ReadEventPage = (after: number, limit: number, signal: AbortSignal) => Promise<{ readonly events: readonly DeliveryEvent[]; readonly lastEventId: number }>;

export interface RecentEvents {
  /** The events at or after `since`, oldest first. */
  readonly events: readonly DeliveryEvent[];
  /** Where a stream resumes so that it misses nothing after them and repeats none of them. */
  readonly lastEventId: number;
}

/** The most events one JSON page of `GET /v1/events` holds (the API's MAX_EVENT_READ). */
export const EVENT_PAGE_LIMIT = 1000;

/**
 * The events of the log written at or after `since` (epoch ms). The API pages the log by id only,
 * oldest first, and ids grow with time: so the first id of the window is found by bisection over
 * `after` with one-event pages (about twice log2 of the log's length of them), and the window is
 * then read forward a full page at a time. A long log costs a few dozen small reads, not all of it.
 */
export async function readRecentEvents(readPage: ReadEventPage, since: number, signal: AbortSignal, pageLimit = EVENT_PAGE_LIMIT): Promise<RecentEvents> {
  const firstAfter = async (after: number): Promise<DeliveryEvent | undefined> => (await readPage(after, 1, signal)).events[0];
  // In the window (or past the end of the log): every event after `after` is one to read.
  const inWindow = (event: DeliveryEvent | undefined): boolean => event === undefined || Date.parse(event.at) >= since;

  let start = 0;
  const first = await firstAfter(0);
  if (!inWindow(first)) {
    // lo: an `after` whose next event is older than the window; hi: one whose next is in it (or none).
    let lo = first!.id - 1;
    let hi = Math.max(1, first!.id);
    for (;;) {
      const next = await firstAfter(hi);
      if (inWindow(next)) break;
      lo = next!.id - 1;
      hi = Math.max(hi * 2, next!.id);
    }
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      const next = await firstAfter(mid);
      if (inWindow(next)) hi = mid;
      else lo = Math.max(mid, next!.id - 1);
    }
    start = hi;
  }

  const events: DeliveryEvent[] = [];
  let after = start;
  for (;;) {
    const page = await readPage(after, pageLimit, signal);
    for (const event of page.events) if (Date.parse(event.at) >= since) events.push(event);
    after = page.lastEventId;
    if (page.events.length < pageLimit) return { events, lastEventId: after };
  }
}
