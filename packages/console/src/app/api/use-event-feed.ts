import { useEffect, useState } from 'preact/hooks';
import { useSession } from '../auth/api-context.js';
import { ApiError } from './api-client.js';
import { apiPaths } from './api-paths.js';
import type { DeliveryEvent } from './api-types.js';
import { createSseFrameReader } from './sse-frames.js';

export type FeedStatus = 'connecting' | 'live' | 'reconnecting' | 'stopped';

export interface EventFeed {
  /** Newest first, at most `keep` of them. */
  readonly events: readonly DeliveryEvent[];
  readonly status: FeedStatus;
  /** Why the stream is not live (the last failure), while reconnecting or stopped. */
  readonly problem?: unknown;
}

const FIRST_DELAY_MS = 1000;
const LONGEST_DELAY_MS = 15_000;

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * The live delivery events of `types` (all when empty), over `GET /v1/events`. When the stream
 * breaks (the daemon restarted, the network dropped) it reconnects, waiting longer each time, and
 * resumes with `Last-Event-ID` after the last event it showed: nothing missed, nothing twice. A
 * refused token stops it (the sign-in comes back).
 */
export function useEventFeed(types: readonly string[], keep = 200): EventFeed {
  const { api } = useSession();
  const [feed, setFeed] = useState<EventFeed>({ events: [], status: 'connecting' });
  const key = types.join(',');
  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    setFeed({ events: [], status: 'connecting' });
    const follow = async () => {
      let lastEventId: number | undefined;
      let delay = FIRST_DELAY_MS;
      while (!signal.aborted) {
        try {
          const response = await api.stream(apiPaths.events(types), lastEventId, signal);
          setFeed((f) => ({ events: f.events, status: 'live' }));
          delay = FIRST_DELAY_MS;
          const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
          const frames = createSseFrameReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            const arrived = frames.push(value).map((frame) => JSON.parse(frame.data) as DeliveryEvent);
            if (arrived.length === 0) continue;
            lastEventId = arrived[arrived.length - 1]!.id;
            setFeed((f) => ({ events: [...arrived.reverse(), ...f.events].slice(0, keep), status: 'live' }));
          }
          // The daemon ended the stream (it is stopping): reconnect like after a break.
          throw new ApiError(0, 'STREAM_ENDED', 'the event stream ended (the daemon stopped?)');
        } catch (problem) {
          if (signal.aborted) return;
          if (problem instanceof ApiError && (problem.unauthorized || problem.status === 400 || problem.status === 501)) {
            setFeed((f) => ({ events: f.events, status: 'stopped', problem }));
            return;
          }
          setFeed((f) => ({ events: f.events, status: 'reconnecting', problem }));
          await pause(delay, signal);
          delay = Math.min(delay * 2, LONGEST_DELAY_MS);
        }
      }
    };
    void follow();
    return () => controller.abort();
    // `types` is named by `key`.
  }, [api, key, keep]);
  return feed;
}
