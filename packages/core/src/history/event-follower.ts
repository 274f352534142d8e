import { MAX_EVENT_READ, type DeliveryEvent, type DeliveryEventType, type EventLog } from '@xport/provider-sdk';

/** What to follow, and from where. */
export interface FollowEventsOptions {
  /** Start after this event id; omit to follow only events written from now on (`lastEventId()`). */
  readonly after?: number;
  readonly types?: readonly DeliveryEventType[];
  readonly messageId?: string;
  /** Ends the iteration (it returns normally). */
  readonly signal?: AbortSignal;
  /**
   * How often to look for events nobody announced, ms (default 500): those another process wrote to
   * the same store (a daemon, while the CLI follows). Writes this process makes wake it at once.
   */
  readonly pollMs?: number;
}

/** Subscribes to "something may have been written"; returns the unsubscribe. */
export type WriteSignal = (wake: () => void) => () => void;

export const DEFAULT_FOLLOW_POLL_MS = 500;

/**
 * Yields the log's events after a cursor, oldest first, and then each new one as it is written,
 * until `signal` aborts. Reads in pages; waits between them for a write signal or the poll interval,
 * whichever comes first, so a reader in another process sees events within `pollMs`. A signal that
 * arrives while a page is being read is kept, so no write is missed between a read and the wait.
 *
 * @example
 * for await (const event of followEvents(store.events, { after: 0, signal }, (wake) => store.onWork(wake))) console.log(event.type);
 */
export async function* followEvents(log: EventLog, options: FollowEventsOptions = {}, onWrite?: WriteSignal): AsyncGenerator<DeliveryEvent, void, undefined> {
  const { signal } = options;
  const aborted = (): boolean => signal?.aborted === true;
  const pollMs = Math.max(1, options.pollMs ?? DEFAULT_FOLLOW_POLL_MS);
  let woken = false;
  let wake: (() => void) | undefined;
  const onSignal = (): void => {
    woken = true;
    wake?.();
  };
  const unsubscribe = onWrite?.(onSignal);
  signal?.addEventListener('abort', onSignal);
  try {
    let after = options.after ?? (await log.lastEventId());
    while (!aborted()) {
      woken = false;
      const page = await log.readEvents({
        after,
        limit: MAX_EVENT_READ,
        ...(options.types === undefined ? {} : { types: options.types }),
        ...(options.messageId === undefined ? {} : { messageId: options.messageId }),
      });
      for (const event of page) {
        if (aborted()) return;
        after = event.id;
        yield event;
      }
      if (page.length === MAX_EVENT_READ || woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, pollMs);
        function done(): void {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
        if (aborted()) done();
      });
    }
  } finally {
    unsubscribe?.();
    signal?.removeEventListener('abort', onSignal);
  }
}
