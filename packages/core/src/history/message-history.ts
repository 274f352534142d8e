import { MAX_EVENT_READ, type DeliveryEvent, type EventLog, type MessageStore, type StoredMessage } from '@xport/provider-sdk';

/** A message (queued or sent) with what happened to it, from the store's event log. */
export interface MessageHistory {
  readonly message: StoredMessage;
  /** False when the store keeps no event log: the timelines are then empty. */
  readonly eventsKept: boolean;
  /** Events about the message itself (`submitted`), oldest first. */
  readonly messageEvents: readonly DeliveryEvent[];
  /** Each recipient's events, oldest first, in recipient order (`timelines[i]` is `message.recipients[i]`'s). */
  readonly timelines: ReadonlyArray<readonly DeliveryEvent[]>;
}

/** Every event of one message, oldest first (its timeline is short: read in pages all the same). */
export async function readMessageEvents(log: EventLog, messageId: string): Promise<DeliveryEvent[]> {
  const events: DeliveryEvent[] = [];
  for (;;) {
    const page = await log.readEvents({ messageId, after: events.at(-1)?.id ?? 0, limit: MAX_EVENT_READ });
    events.push(...page);
    if (page.length < MAX_EVENT_READ) return events;
  }
}

/**
 * A message and each recipient's timeline, or undefined when the store does not have the message
 * (never submitted, or purged with the history).
 *
 * @example
 * const history = await readMessageHistory(store, messageId);
 * history?.timelines[0]?.map((e) => e.type); // ['deferred', 'delivered']
 */
export async function readMessageHistory(store: MessageStore, messageId: string): Promise<MessageHistory | undefined> {
  const message = await store.getMessage(messageId);
  if (message === undefined) return undefined;
  const log = store.events;
  const events = log === undefined ? [] : await readMessageEvents(log, messageId);
  const timelines: DeliveryEvent[][] = message.recipients.map(() => []);
  const messageEvents: DeliveryEvent[] = [];
  for (const event of events) {
    const timeline = event.recipientIndex === undefined ? undefined : timelines[event.recipientIndex];
    if (timeline === undefined) messageEvents.push(event);
    else timeline.push(event);
  }
  return { message, eventsKept: log !== undefined, messageEvents, timelines };
}
