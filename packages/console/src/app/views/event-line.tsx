import type { DeliveryEvent } from '../api/api-types.js';
import { Instant } from './instant.js';
import { StateBadge } from './state-badge.js';

// The events that are an attempt; on the others (held, released, expired, …) the count is of the
// attempts made before.
const ATTEMPTS = new Set(['delivered', 'deferred', 'failed']);

function attemptsText(event: DeliveryEvent): string | undefined {
  const n = event.attempts;
  if (n === undefined || n === 0) return undefined;
  return ATTEMPTS.has(event.type) ? `attempt ${n}` : `after ${n} attempt${n === 1 ? '' : 's'}`;
}

/** What one delivery event says: when, what, the attempt it was, and the answer of a failed one. */
export function EventLine({ event }: { readonly event: DeliveryEvent }) {
  return (
    <>
      <Instant at={event.at} /> <StateBadge state={event.type} />
      {attemptsText(event) && <span class="muted"> {attemptsText(event)}</span>}
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
