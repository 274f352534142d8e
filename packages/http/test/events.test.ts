import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createSqliteStore } from '@xport/store-sqlite';
import type { MessageStore } from '@xport/provider-sdk';
import { createApiApp, type ApiApp } from './support/api-app.js';

let app: ApiApp | undefined;
afterEach(async () => {
  await app?.cleanup();
  app = undefined;
});

interface EventView {
  readonly id: number;
  readonly type: string;
  readonly messageId: string;
  readonly recipientIndex?: number;
  readonly recipient?: string;
  readonly attempts?: number;
  readonly at: string;
}

interface SseFrame {
  readonly id?: string;
  readonly event?: string;
  readonly data?: string;
  readonly comment?: string;
}

/** A Server-Sent Events reader over fetch: frames as they arrive, until the stream ends or is cancelled. */
function openStream(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const frames: SseFrame[] = [];
  let ended = false;
  let changed: () => void = () => undefined;
  const response = fetch(url, { headers, signal: controller.signal });
  const reading = (async () => {
    const res = await response;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const frame: Record<string, string> = {};
          for (const line of buffer.slice(0, end).split('\n')) {
            if (line.startsWith(':')) frame.comment = line.slice(1).trim();
            else {
              const colon = line.indexOf(':');
              frame[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
            }
          }
          buffer = buffer.slice(end + 2);
          frames.push(frame);
        }
        changed();
      }
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    } finally {
      ended = true;
      changed();
    }
  })();
  const until = (condition: () => boolean): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (condition() || ended) resolve();
        else changed = check;
      };
      check();
    });
  return {
    response,
    frames,
    events: (): EventView[] => frames.filter((f) => f.data !== undefined).map((f) => JSON.parse(f.data!) as EventView),
    until,
    ended: () => ended,
    close: async () => {
      controller.abort();
      await reading;
    },
    finished: reading,
  };
}

async function submit(subject: string): Promise<string> {
  const res = await app!.request({ method: 'POST', url: '/v1/messages', payload: { from: 'loopback:me', to: ['loopback:you'], subject, text: `body of ${subject}` } });
  expect(res.status).toBe(202);
  return res.json<{ messageId: string }>().messageId;
}

async function allEvents(): Promise<EventView[]> {
  const res = await app!.request({ method: 'GET', url: '/v1/events?follow=false&limit=1000' });
  expect(res.status).toBe(200);
  return res.json<{ events: EventView[] }>().events;
}

describe('GET /v1/events and message timelines', () => {
  it('answers a JSON page with ?follow=false or Accept: application/json, filtered by type and message, with a cursor to read on', async () => {
    app = await createApiApp();
    const delivered = app.next('delivered');
    const id = await submit('one');
    await delivered;
    const events = await allEvents();
    expect(events.filter((e) => e.messageId === id).map((e) => e.type)).toEqual(['submitted', 'delivered']);
    const byAccept = await app.request({ method: 'GET', url: `/v1/events?message=${id}&type=delivered`, headers: { accept: 'application/json' } });
    expect(byAccept.json()).toEqual({ events: [expect.objectContaining({ type: 'delivered', messageId: id, recipient: 'loopback:you', provider: 'loopback', attempts: 1 })], lastEventId: expect.any(Number) });
    const first = await app.request({ method: 'GET', url: '/v1/events?follow=false&limit=1' });
    const { events: page, lastEventId } = first.json<{ events: EventView[]; lastEventId: number }>();
    expect(page).toEqual([events[0]]);
    const next = (await app.request({ method: 'GET', url: `/v1/events?follow=false&limit=1&after=${lastEventId}` })).json<{ events: EventView[] }>();
    expect(next.events).toEqual([events[1]]);
    const end = (await app.request({ method: 'GET', url: `/v1/events?follow=false&after=${events.at(-1)!.id}` })).json();
    expect(end).toEqual({ events: [], lastEventId: events.at(-1)!.id });
    expect((await app.request({ method: 'GET', url: '/v1/events?follow=false&type=nonsense' })).status).toBe(400);
  });

  it('shows each recipient\'s timeline in GET /v1/messages/{id}, for a settled message too', async () => {
    app = await createApiApp();
    const delivered = app.next('delivered');
    const id = await submit('timeline');
    await delivered;
    await expect.poll(async () => (await app!.request({ method: 'GET', url: `/v1/messages/${id}` })).json().finishedAt).toEqual(expect.any(String));
    const message = (await app.request({ method: 'GET', url: `/v1/messages/${id}` })).json<{ events: EventView[]; recipients: Array<{ state: string; timeline: EventView[] }> }>();
    expect(message.events.map((e) => e.type)).toEqual(['submitted']);
    expect(message.recipients.map((r) => [r.state, r.timeline.map((e) => [e.type, e.attempts])])).toEqual([['delivered', [['delivered', 1]]]]);
  });

  it('streams events over SSE and resumes after Last-Event-ID: nothing lost, nothing repeated, heartbeats between', async () => {
    app = await createApiApp({ sseHeartbeatMs: 20 });
    const url = await app.api.listen();
    const first = openStream(`${url}/v1/events?after=0`);
    const res = await first.response;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);

    const a = await submit('a');
    await first.until(() => first.events().some((e) => e.messageId === a && e.type === 'delivered'));
    await first.until(() => first.frames.some((f) => f.comment === 'heartbeat'));
    const before = first.events();
    await first.close();
    for (const frame of first.frames.filter((f) => f.data !== undefined)) {
      const event = JSON.parse(frame.data!) as EventView;
      expect(frame.id).toBe(String(event.id));
      expect(frame.event).toBe(event.type);
    }

    // While nobody listens: more events.
    const gone = [await submit('b'), await submit('c')];
    await expect.poll(async () => (await allEvents()).filter((e) => gone.includes(e.messageId) && e.type === 'delivered').length).toBe(2);
    const everything = await allEvents();

    const second = openStream(`${url}/v1/events`, { 'last-event-id': String(before.at(-1)!.id) });
    await second.until(() => second.events().length >= everything.length - before.length);
    const received = [...before, ...second.events()];
    // Each event once, in order, exactly what the log holds (the JSON page is checked against the OpenAPI document).
    expect(received).toEqual(everything);
    await second.close();
  });

  it('follows new events only when neither Last-Event-ID nor after is given, filtered by type; closing the API ends the stream', async () => {
    app = await createApiApp();
    const url = await app.api.listen();
    const earlier = await submit('earlier');
    await expect.poll(async () => (await allEvents()).some((e) => e.messageId === earlier && e.type === 'delivered')).toBe(true);
    const stream = openStream(`${url}/v1/events?type=delivered`);
    await stream.response;
    const later = await submit('later');
    await stream.until(() => stream.events().length > 0);
    expect(stream.events().map((e) => [e.type, e.messageId])).toEqual([['delivered', later]]);
    await app.api.close();
    await stream.finished;
    expect(stream.ended()).toBe(true);
  });

  it('answers 501 with XPORT_STORE_NO_EVENTS for a store that keeps no event log', async () => {
    const withoutEvents = (root: string): MessageStore => {
      const store = createSqliteStore({ path: join(root, 'store.db') });
      return new Proxy(store, { get: (target, key) => (key === 'events' ? undefined : Reflect.get(target, key, target)) }) as MessageStore;
    };
    app = await createApiApp({ store: withoutEvents });
    const res = await app.request({ method: 'GET', url: '/v1/events?follow=false' });
    expect(res.status).toBe(501);
    expect(res.json().code).toBe('XPORT_STORE_NO_EVENTS');
    const stream = await app.request({ method: 'GET', url: '/v1/events' });
    expect(stream.status).toBe(501);
  });
});
