import { useEffect, useState } from 'preact/hooks';
import { useSession } from '../auth/api-context.js';
import { apiPaths } from './api-paths.js';
import type { DeliveryEvent } from './api-types.js';
import { followEvents, type FeedStatus } from './follow-events.js';

export type { FeedStatus } from './follow-events.js';

export interface EventFeed {
  /** Newest first, at most `keep` of them. */
  readonly events: readonly DeliveryEvent[];
  readonly status: FeedStatus;
  /** Why the stream is not live (the last failure), while reconnecting or stopped. */
  readonly problem?: unknown;
}

/**
 * The live delivery events of `types` (all when empty), over `GET /v1/events` (see followEvents:
 * it reconnects and resumes by itself; a refused token stops it, and the sign-in comes back).
 */
export function useEventFeed(types: readonly string[], keep = 200): EventFeed {
  const { api } = useSession();
  const [feed, setFeed] = useState<EventFeed>({ events: [], status: 'connecting' });
  const key = types.join(',');
  useEffect(() => {
    const controller = new AbortController();
    setFeed({ events: [], status: 'connecting' });
    void followEvents({
      open: (lastEventId, signal) => api.stream(apiPaths.events(types), lastEventId, signal),
      signal: controller.signal,
      onEvents: (arrived) => setFeed((f) => ({ events: [...arrived.reverse(), ...f.events].slice(0, keep), status: f.status })),
      onStatus: (status, problem) => setFeed((f) => (problem === undefined ? { events: f.events, status } : { events: f.events, status, problem })),
    });
    return () => controller.abort();
    // `types` is named by `key`.
  }, [api, key, keep]);
  return feed;
}
