import { XportError, type EventLog, type MessageStore } from '@xport/provider-sdk';

/**
 * The store's delivery event log (the optional `events` part of the store contract), or
 * `XPORT_WEBHOOK_EVENTS_UNAVAILABLE` naming the store when it keeps none: webhooks configured over
 * such a store could never send anything, which must not pass in silence.
 *
 * @example
 * const log = eventLogOf(kernel.store(), kernel.config.store.provider ?? 'the default store');
 */
export function eventLogOf(store: MessageStore | undefined, storeName: string): EventLog {
  const events = (store as (MessageStore & { readonly events?: EventLog }) | undefined)?.events;
  if (events === undefined) {
    throw new XportError(
      'XPORT_WEBHOOK_EVENTS_UNAVAILABLE',
      `webhooks are configured but the message store (${storeName}) keeps no delivery event log, so there is nothing to send; use a store that keeps one (sqlite, postgres, memory) or remove "webhooks" (or set "enabled": false) in xport.config.json`,
      { details: { store: storeName } },
    );
  }
  return events;
}
