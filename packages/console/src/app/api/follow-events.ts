import { ApiError } from './api-client.js';
import type { DeliveryEvent } from './api-types.js';
import { createSseFrameReader } from './sse-frames.js';

export type FeedStatus = 'connecting' | 'live' | 'reconnecting' | 'stopped';

export interface FollowEventsOptions {
  /** Opens the stream, resuming after `lastEventId` when there is one (`Last-Event-ID`). */
  readonly open: (lastEventId: number | undefined, signal: AbortSignal) => Promise<Response>;
  readonly signal: AbortSignal;
  /** Events as they arrive, oldest first. */
  readonly onEvents: (events: DeliveryEvent[]) => void;
  /** The stream's status, with the failure that made it reconnect or stop. */
  readonly onStatus: (status: FeedStatus, problem?: unknown) => void;
  /** The wait before the first reconnect; it doubles after each failure, up to 15 times as long. */
  readonly firstDelayMs?: number;
  /** Start after this event (one already read from a page, say); without it, with the events written from now on. */
  readonly after?: number;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** What no reconnect can mend: a refused token, a query the API rejects, a store without events. */
function isFinal(problem: unknown): boolean {
  return problem instanceof ApiError && (problem.unauthorized || problem.status === 400 || problem.status === 501);
}

/**
 * Follows the delivery event stream until `signal` aborts. When the stream breaks or ends (the
 * daemon restarted, the network dropped) it reconnects, waiting longer after each failure, and
 * resumes after the last event it passed on: nothing missed, nothing twice.
 */
export async function followEvents({ open, signal, onEvents, onStatus, firstDelayMs = 1000, after }: FollowEventsOptions): Promise<void> {
  let lastEventId = after;
  let delay = firstDelayMs;
  while (!signal.aborted) {
    try {
      const response = await open(lastEventId, signal);
      onStatus('live');
      delay = firstDelayMs;
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      const frames = createSseFrameReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const arrived = frames.push(value).map((frame) => JSON.parse(frame.data) as DeliveryEvent);
        if (arrived.length === 0) continue;
        lastEventId = arrived[arrived.length - 1]!.id;
        onEvents(arrived);
      }
      throw new ApiError(0, 'STREAM_ENDED', 'the event stream ended (the daemon stopped?)');
    } catch (problem) {
      if (signal.aborted) return;
      if (isFinal(problem)) {
        onStatus('stopped', problem);
        return;
      }
      onStatus('reconnecting', problem);
      await pause(delay, signal);
      delay = Math.min(delay * 2, firstDelayMs * 15);
    }
  }
}
