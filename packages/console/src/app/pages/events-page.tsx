import { useLocation } from 'preact-iso';
import { CONSOLE_PAGES } from '../../pages.js';
import { ApiError } from '../api/api-client.js';
import { pageUrls } from '../api/api-paths.js';
import type { DeliveryEventType } from '../api/api-types.js';
import { useEventFeed, type EventFeed } from '../api/use-event-feed.js';
import { EventLine } from '../views/event-line.js';
import { ErrorNote } from '../views/load-state.js';

/** The types a person filters by. */
const TYPES: readonly DeliveryEventType[] = ['submitted', 'delivered', 'deferred', 'failed', 'expired', 'held', 'released', 'deleted', 'bounced', 'received'];

function typesOf(query: Readonly<Record<string, string | undefined>>): DeliveryEventType[] {
  const asked = (query.types ?? '').split(',');
  return TYPES.filter((t) => asked.includes(t));
}

function FeedStatusNote({ feed }: { readonly feed: EventFeed }) {
  if (feed.status === 'stopped') return <ErrorNote error={feed.problem} />;
  const reason = feed.problem instanceof ApiError ? ` (${feed.problem.message})` : '';
  const text = {
    connecting: 'Connecting to the event stream…',
    live: 'Live: new events appear at the top as they happen.',
    reconnecting: `The stream broke${reason}; reconnecting, and resuming after the last event shown…`,
  }[feed.status];
  return (
    <p class={`feed-status ${feed.status}`} role="status">
      {text}
    </p>
  );
}

function TypeFilter({ chosen }: { readonly chosen: readonly DeliveryEventType[] }) {
  const { route } = useLocation();
  const toggle = (type: DeliveryEventType, on: boolean) => {
    const next = TYPES.filter((t) => (t === type ? on : chosen.includes(t)));
    route(next.length === 0 ? CONSOLE_PAGES.events : `${CONSOLE_PAGES.events}?types=${next.join(',')}`, true);
  };
  return (
    <fieldset class="type-filter">
      <legend>Only these types (none ticked: all)</legend>
      {TYPES.map((type) => (
        <label key={type}>
          <input type="checkbox" checked={chosen.includes(type)} onChange={(e) => toggle(type, e.currentTarget.checked)} /> {type}
        </label>
      ))}
    </fieldset>
  );
}

/**
 * The delivery events as they happen, newest first (the last 200), over the API's event stream,
 * optionally only some types (kept in the URL). It starts with the events written after it opened.
 */
export function EventsPage() {
  const { query } = useLocation();
  const types = typesOf(query);
  const feed = useEventFeed(types);
  return (
    <section>
      <h1>Events</h1>
      <TypeFilter chosen={types} />
      <FeedStatusNote feed={feed} />
      {feed.events.length === 0 ? (
        <p class="muted">No event since this page opened.</p>
      ) : (
        <ol class="event-feed" aria-label="Delivery events, newest first">
          {feed.events.map((event) => (
            <li key={event.id}>
              <EventLine event={event} />{' '}
              {event.recipient && <span class="address">{event.recipient}</span>}
              {event.mailbox && <span class="address">{event.mailbox}</span>}{' '}
              {event.type === 'received' ? (
                event.mailbox && <a href={pageUrls.inboxEntry(event.mailbox, event.messageId)}>inbox entry</a>
              ) : (
                <a href={pageUrls.message(event.messageId)}>message</a>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
