import { eventReadLimit, matchesEventRequest, type DeliveryEvent, type EventLog, type EventReadRequest, type NewDeliveryEvent } from '@xport/provider-sdk';

/**
 * The memory store's event log: events in id order in one array. The outbox and inbox append to it
 * in the same synchronous step as the change (nothing can come between), so a write that throws
 * appends nothing.
 */
export class MemoryEvents implements EventLog {
  private readonly events: DeliveryEvent[] = [];
  private lastId = 0;

  constructor(private readonly assertOpen: () => void) {}

  append(events: readonly NewDeliveryEvent[]): void {
    for (const event of events) this.events.push(Object.freeze({ id: ++this.lastId, ...event }));
  }

  async readEvents(request: EventReadRequest): Promise<DeliveryEvent[]> {
    const limit = eventReadLimit(request.limit);
    const found: DeliveryEvent[] = [];
    for (let i = this.firstAfter(request.after ?? 0); i < this.events.length && found.length < limit; i += 1) {
      const event = this.events[i]!;
      if (matchesEventRequest(event, request)) found.push(event);
    }
    return found;
  }

  async lastEventId(): Promise<number> {
    return this.lastId;
  }

  async purgeEvents(before: number, limit: number): Promise<number> {
    this.assertOpen();
    const max = Math.max(0, limit);
    let purged = 0;
    for (let i = 0; i < this.events.length && purged < max; ) {
      if (this.events[i]!.at < before) {
        this.events.splice(i, 1);
        purged += 1;
      } else i += 1;
    }
    return purged;
  }

  /** Index of the first event with an id greater than `after` (ids increase along the array). */
  private firstAfter(after: number): number {
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.events[mid]!.id <= after) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
