import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/app/api/api-client.js';
import type { DeliveryEvent } from '../src/app/api/api-types.js';
import { followEvents, type FeedStatus } from '../src/app/api/follow-events.js';

const frame = (id: number, type: string) => `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify({ id, type, at: '2026-12-02T03:48:38.329Z', messageId: 'm' })}\n\n`;
const streamOf = (text: string) => new Response(text, { headers: { 'content-type': 'text/event-stream' } });

describe('followEvents', () => {
  it('reconnects after the stream ends and resumes after the last event it passed on', async () => {
    const controller = new AbortController();
    const asked: (number | undefined)[] = [];
    const seen: number[] = [];
    const statuses: FeedStatus[] = [];
    const answers = [
      () => streamOf(': heartbeat\n\n' + frame(7, 'submitted') + frame(8, 'delivered')),
      () => Promise.reject(new TypeError('network down')),
      () => streamOf(frame(9, 'deferred')),
    ];
    await followEvents({
      open: async (lastEventId) => {
        asked.push(lastEventId);
        const answer = answers[asked.length - 1];
        if (answer === undefined) {
          controller.abort();
          throw new Error('aborted');
        }
        return answer();
      },
      signal: controller.signal,
      onEvents: (events: DeliveryEvent[]) => seen.push(...events.map((e) => e.id)),
      onStatus: (status) => statuses.push(status),
      firstDelayMs: 1,
    });
    expect(seen).toEqual([7, 8, 9]);
    expect(asked).toEqual([undefined, 8, 8, 9]);
    expect(statuses).toEqual(['live', 'reconnecting', 'reconnecting', 'live', 'reconnecting']);
  });

  it('stops on a refused token instead of retrying it', async () => {
    let opened = 0;
    const statuses: [FeedStatus, unknown][] = [];
    await followEvents({
      open: async () => {
        opened += 1;
        throw new ApiError(401, 'XPORT_HTTP_UNAUTHORIZED', 'the token is not accepted');
      },
      signal: new AbortController().signal,
      onEvents: () => undefined,
      onStatus: (status, problem) => statuses.push([status, problem]),
      firstDelayMs: 1,
    });
    expect(opened).toBe(1);
    expect(statuses).toEqual([['stopped', expect.objectContaining({ code: 'XPORT_HTTP_UNAUTHORIZED' })]]);
  });

  it('starts after a given event, one already read from a page', async () => {
    const controller = new AbortController();
    const asked: (number | undefined)[] = [];
    await followEvents({
      open: async (lastEventId) => {
        asked.push(lastEventId);
        controller.abort();
        throw new Error('aborted');
      },
      signal: controller.signal,
      onEvents: () => undefined,
      onStatus: () => undefined,
      after: 41,
    });
    expect(asked).toEqual([41]);
  });
});
