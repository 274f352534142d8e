import type { DeliveryEvent } from '../api/api-types.js';
import { Instant } from './instant.js';
import { StateBadge } from './state-badge.js';

/** What one delivery event says: when, what, the attempt it was, and the answer of a failed one. */
export function EventLine({ event }: { readonly event: DeliveryEvent }) {
  return (
    <>
      <Instant at={event.at} /> <StateBadge state={event.type} />
      {event.attempts !== undefined && event.attempts > 0 && <span class="muted"> attempt {event.attempts}</span>}
      {event.provider && <span class="muted"> via {event.provider}</span>}
      {event.error && (
        <span class="diagnostic">
          {' '}
          <code>{event.error.code}</code> {event.error.diagnostic}
        </span>
      )}
      {event.nextAttemptAt && (
        <span class="muted">
          {' '}
          next attempt <Instant at={event.nextAttemptAt} />
        </span>
      )}
    </>
  );
}
