import { describe, expect, it } from 'vitest';
import { EVENT_PURGE_BATCH, SENT_PURGE_BATCH, purgeHistory, type EventLog } from '../src/index.js';

/** A store of `messages` sent messages and `events` events, all old enough: counts the batches asked for. */
function backlog(messages: number, events: number) {
  const calls: string[] = [];
  let leftMessages = messages;
  let leftEvents = events;
  const log: EventLog = {
    readEvents: async () => [],
    lastEventId: async () => 0,
    purgeEvents: async (_before, limit) => {
      calls.push(`events ${limit}`);
      const n = Math.min(limit, leftEvents);
      leftEvents -= n;
      return n;
    },
  };
  return {
    calls,
    store: {
      events: log,
      purgeSent: async (_before: number, limit?: number) => {
        calls.push(`sent ${limit}`);
        const n = Math.min(limit ?? Infinity, leftMessages);
        leftMessages -= n;
        return n;
      },
    },
  };
}

describe('purgeHistory', () => {
  it('purges sent messages, then events, each in bounded batches until a batch comes back short', async () => {
    const { store, calls } = backlog(SENT_PURGE_BATCH * 2 + 1, EVENT_PURGE_BATCH);
    expect(await purgeHistory(store, 1000)).toEqual({ messages: SENT_PURGE_BATCH * 2 + 1, events: EVENT_PURGE_BATCH });
    expect(calls).toEqual([
      `sent ${SENT_PURGE_BATCH}`,
      `sent ${SENT_PURGE_BATCH}`,
      `sent ${SENT_PURGE_BATCH}`,
      `events ${EVENT_PURGE_BATCH}`,
      `events ${EVENT_PURGE_BATCH}`,
    ]);
  });

  it('purges only sent messages for a store without an event log', async () => {
    const { store, calls } = backlog(3, 0);
    expect(await purgeHistory({ purgeSent: store.purgeSent }, 1000)).toEqual({ messages: 3, events: 0 });
    expect(calls).toEqual([`sent ${SENT_PURGE_BATCH}`]);
  });
});
