import { useEffect, useState } from 'preact/hooks';
import { useSession } from '../auth/api-context.js';
import { apiPaths } from '../api/api-paths.js';
import type { DeliveryEvent } from '../api/api-types.js';
import { followEvents, type FeedStatus } from '../api/follow-events.js';
import { readRecentEvents } from '../api/recent-events.js';
import { advanceRate, countEvents, emptyRate, MINUTE_MS, RATE_TYPES, type DeliveryRate } from './delivery-rate.js';

export type RateStatus = 'loading' | FeedStatus;

export interface DeliveryRateFeed {
  readonly rate: DeliveryRate;
  readonly status: RateStatus;
  /** Why the history or the stream failed, while reconnecting or stopped. */
  readonly problem?: unknown;
}

/**
 * The last hour's delivered, deferred and failed recipients per minute: the hour's events read back
 * from the log (JSON pages), then the event stream followed from the last of them, so that none is
 * counted twice or missed. The window moves on each minute.
 */
export function useDeliveryRate(): DeliveryRateFeed {
  const { api } = useSession();
  const [feed, setFeed] = useState<DeliveryRateFeed>(() => ({ rate: emptyRate(Date.now()), status: 'loading' }));
  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    const add = (events: readonly DeliveryEvent[]) => setFeed((f) => ({ ...f, rate: countEvents(advanceRate(f.rate, Date.now()), events) }));
    const start = async () => {
      const since = emptyRate(Date.now()).minutes[0]!;
      const read = (after: number, limit: number, s: AbortSignal) => api.json<{ events: DeliveryEvent[]; lastEventId: number }>(apiPaths.eventPage(RATE_TYPES, after, limit), s);
      let recent;
      try {
        recent = await readRecentEvents(read, since, signal);
      } catch (problem) {
        if (!signal.aborted) setFeed((f) => ({ rate: f.rate, status: 'stopped', problem }));
        return;
      }
      if (signal.aborted) return;
      setFeed({ rate: countEvents(emptyRate(Date.now()), recent.events), status: 'connecting' });
      await followEvents({
        open: (lastEventId, s) => api.stream(apiPaths.events(RATE_TYPES), lastEventId, s),
        after: recent.lastEventId,
        signal,
        onEvents: add,
        onStatus: (status, problem) => setFeed((f) => (problem === undefined ? { rate: f.rate, status } : { rate: f.rate, status, problem })),
      });
    };
    void start();
    // A quiet minute still moves the window.
    const tick = setInterval(() => setFeed((f) => {
      const rate = advanceRate(f.rate, Date.now());
      return rate === f.rate ? f : { ...f, rate };
    }), MINUTE_MS / 4);
    return () => {
      controller.abort();
      clearInterval(tick);
    };
  }, [api]);
  return feed;
}
