import type { DeliveryEvent, RecipientStatus } from '../api/api-types.js';
import { AddressText } from './address-text.js';
import { EventLine } from './event-line.js';
import { StateBadge } from './state-badge.js';

function Timeline({ events, label }: { readonly events: readonly DeliveryEvent[]; readonly label: string }) {
  if (events.length === 0) return <p class="muted">No event yet.</p>;
  return (
    <ol class="timeline" aria-label={label}>
      {events.map((event) => (
        <li key={event.id}>
          <EventLine event={event} />
        </li>
      ))}
    </ol>
  );
}

/**
 * The message's own events (its submission), then each recipient's timeline: every attempt and
 * what became of it, oldest first, as the store's event log has them.
 */
export function RecipientTimelines({ events, recipients }: { readonly events: readonly DeliveryEvent[]; readonly recipients: readonly RecipientStatus[] }) {
  return (
    <div class="timelines">
      <Timeline events={events} label="The message's events" />
      {recipients.map((r) => (
        <article key={r.index} class="recipient-timeline">
          <h3>
            <AddressText address={r.recipient} /> <StateBadge state={r.state} />
          </h3>
          <Timeline events={r.timeline ?? []} label={`Timeline of recipient ${r.index + 1}`} />
        </article>
      ))}
    </div>
  );
}
