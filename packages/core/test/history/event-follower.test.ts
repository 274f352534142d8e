import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryEvent, MessageStore } from '@xport/provider-sdk';
import { makeSubmitRequest } from '@xport/provider-sdk/testing';
import { createMemoryStore } from '../../../store-memory/src/index.js';
import { followEvents } from '../../src/history/event-follower.js';
import { readMessageHistory } from '../../src/history/message-history.js';

let store: MessageStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function openStore(): Promise<MessageStore> {
  store = createMemoryStore({ sentRetentionDays: 0 });
  await store.open();
  return store;
}

/** Collects what a follower yields; `until` resolves once `condition` holds for what it has. */
function collect(iterable: AsyncIterable<DeliveryEvent>) {
  const seen: DeliveryEvent[] = [];
  let check: () => void = () => undefined;
  const done = (async () => {
    for await (const event of iterable) {
      seen.push(event);
      check();
    }
  })();
  const until = (condition: (events: DeliveryEvent[]) => boolean) =>
    new Promise<void>((resolve) => {
      check = () => condition(seen) && resolve();
      check();
    });
  return { seen, until, done };
}

describe('followEvents', () => {
  it('yields the events after the cursor, then new ones: woken by a write signal, or found by polling', async () => {
    const s = await openStore();
    const { messageId: first } = await s.submit(makeSubmitRequest({ submittedAt: 1000 }));
    const stop = new AbortController();
    // No poll to speak of: only the write signal can wake it in time for the first new event.
    const followed = collect(followEvents(s.events!, { after: 0, signal: stop.signal, pollMs: 3_600_000 }, (wake) => s.onWork(wake)));
    await followed.until((events) => events.length === 1);
    const { messageId: second } = await s.submit(makeSubmitRequest({ submittedAt: 2000 }));
    await followed.until((events) => events.length === 2);
    expect(followed.seen.map((e) => [e.type, e.messageId])).toEqual([
      ['submitted', first],
      ['submitted', second],
    ]);
    stop.abort();
    await followed.done;
  });

  it('starts after the newest event without a cursor, and finds unannounced writes by polling', async () => {
    const s = await openStore();
    await s.submit(makeSubmitRequest({ submittedAt: 1000 }));
    const stop = new AbortController();
    const followed = collect(followEvents(s.events!, { signal: stop.signal, pollMs: 5, types: ['delivered'] }));
    const [claim] = await s.claim({ owner: 't', limit: 1, leaseMs: 60_000, now: 1500 });
    // A completion wakes nobody in the memory store: only the poll sees it.
    await s.complete({ ...claim!, result: { state: 'delivered' }, now: 1600 });
    await followed.until((events) => events.length === 1);
    expect(followed.seen.map((e) => e.type)).toEqual(['delivered']);
    stop.abort();
    await followed.done;
  });
});

describe('readMessageHistory', () => {
  it("splits a message's events into its own and each recipient's timeline", async () => {
    const s = await openStore();
    const { messageId } = await s.submit(makeSubmitRequest({ recipients: [{ to: 'a', provider: 'p1' }, { to: 'b', provider: null, state: 'failed' }], submittedAt: 1000 }));
    const [claim] = await s.claim({ owner: 't', limit: 1, leaseMs: 60_000, now: 1500 });
    await s.complete({ ...claim!, result: { state: 'deferred', nextAttemptAt: 3000, countAttempt: true, error: { code: '4.2.1', diagnostic: 'busy' } }, now: 1600 });
    const history = await readMessageHistory(s, messageId);
    expect(history?.messageEvents.map((e) => e.type)).toEqual(['submitted']);
    expect(history?.timelines.map((t) => t.map((e) => [e.type, e.attempts]))).toEqual([[['deferred', 1]], [['failed', 0]]]);
    expect(await readMessageHistory(s, 'no-such-message')).toBeUndefined();
  });
});
