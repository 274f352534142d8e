import { XportError, type EventLog, type MessageStore } from '@xport/provider-sdk';

/**
 * The open store's event log, or the coded error saying why there is none: no open store
 * (`XPORT_STORE_NOT_CONFIGURED`), or a store that keeps no event log (`XPORT_STORE_NO_EVENTS`).
 */
export function requireEventLog(store: MessageStore | undefined, what: string): EventLog {
  if (store === undefined) throw new XportError('XPORT_STORE_NOT_CONFIGURED', `${what}: no message store is open (start the kernel with a store first)`);
  if (store.events === undefined) {
    throw new XportError('XPORT_STORE_NO_EVENTS', `${what}: this message store keeps no delivery event log (MessageStore.events); use a store that does (memory, sqlite, postgres)`, {
      details: { expected: 'a store with events', found: 'no events' },
    });
  }
  return store.events;
}
