import type { MessageStore } from './store.js';

/** Most sent messages one purge transaction removes (each takes its recipients and content along). */
export const SENT_PURGE_BATCH = 500;
/** Most events one purge transaction removes. */
export const EVENT_PURGE_BATCH = 5000;

/** What a retention sweep removed. */
export interface PurgedHistory {
  readonly messages: number;
  readonly events: number;
}

/**
 * Purges the history older than `before`: sent messages and, when the store keeps one, its event log,
 * each in bounded batches (one transaction each, so a large backlog never holds the writer for long),
 * until a batch comes back short. What the retention timer (`openSentRetention`) runs.
 *
 * @example
 * const { messages, events } = await purgeHistory(store, Date.now() - 30 * 86_400_000);
 */
export async function purgeHistory(store: Pick<MessageStore, 'purgeSent' | 'events'>, before: number): Promise<PurgedHistory> {
  let messages = 0;
  for (;;) {
    const n = await store.purgeSent(before, SENT_PURGE_BATCH);
    messages += n;
    if (n < SENT_PURGE_BATCH) break;
  }
  let events = 0;
  const log = store.events;
  if (log !== undefined) {
    for (;;) {
      const n = await log.purgeEvents(before, EVENT_PURGE_BATCH);
      events += n;
      if (n < EVENT_PURGE_BATCH) break;
    }
  }
  return { messages, events };
}
