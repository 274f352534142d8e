import type { DeliveryEvent, EventLog, EventReadRequest } from '@xport/provider-sdk';

type NewEvent = Omit<DeliveryEvent, 'id' | 'at'> & { readonly at?: number };

/**
 * A real, small EventLog for the dispatcher's tests: an append-only array read by cursor, as a
 * store's log is (ids increase, reads return events after `after`, oldest first, at most `limit`,
 * optionally of some types). `onAppend` is the "something new" signal a kernel would give.
 */
export class MemoryEventLog implements EventLog {
  readonly events: DeliveryEvent[] = [];
  private readonly listeners: Array<() => void> = [];
  /** Every read, to check that a reader pages instead of reading everything. */
  readonly reads: EventReadRequest[] = [];

  append(...events: NewEvent[]): DeliveryEvent[] {
    const added = events.map((event) => ({ ...event, at: event.at ?? Date.now(), id: this.events.length + 1 }) as DeliveryEvent);
    for (const event of added) this.events.push(event);
    for (const listener of this.listeners) listener();
    return added;
  }

  onAppend(listener: () => void): void {
    this.listeners.push(listener);
  }

  async readEvents(request: EventReadRequest): Promise<DeliveryEvent[]> {
    this.reads.push(request);
    return this.events
      .filter((e) => e.id > (request.after ?? 0) && (request.messageId === undefined || e.messageId === request.messageId) && (request.types === undefined || request.types.includes(e.type)))
      .slice(0, request.limit);
  }

  async lastEventId(): Promise<number> {
    return this.events.at(-1)?.id ?? 0;
  }

  async purgeEvents(before: number, limit: number): Promise<number> {
    const doomed = this.events.filter((e) => e.at < before).slice(0, limit);
    for (const event of doomed) this.events.splice(this.events.indexOf(event), 1);
    return doomed.length;
  }
}

/** `count` events: for each message in turn submitted, deferred, delivered — interleaved across messages. */
export function deliveryStory(log: MemoryEventLog, messages: number): DeliveryEvent[] {
  const ids = Array.from({ length: messages }, (_, i) => `m${i + 1}`);
  const events: DeliveryEvent[] = [];
  for (const type of ['submitted', 'deferred', 'delivered'] as const) {
    for (const messageId of ids) events.push(...log.append({ type, messageId, ...(type === 'submitted' ? {} : { recipientIndex: 0, recipient: `loopback:${messageId}@x`, provider: 'loopback', attempts: type === 'deferred' ? 1 : 2 }) }));
  }
  return events;
}
