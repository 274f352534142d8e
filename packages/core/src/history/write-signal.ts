import type { MessageStore } from '@xport/provider-sdk';
import type { SpoolerEventName } from '../spooler/events.js';
import type { Spooler } from '../spooler/spooler.js';
import type { WriteSignal } from './event-follower.js';

// The spooler events that follow a store write owing an event (it emits them once the write resolved).
const WRITES: readonly SpoolerEventName[] = ['submitted', 'delivered', 'deferred', 'failed', 'expired', 'received'];

/**
 * "Something may have been written", as this process knows it: the spooler's events after its
 * writes, and the store's work signal (which also hears other processes where the store supports it).
 */
export function toWriteSignal(store: MessageStore, spooler: Spooler | undefined): WriteSignal {
  return (wake) => {
    const offs = [store.onWork(wake), ...(spooler === undefined ? [] : WRITES.map((name) => spooler.on(name, wake)))];
    return () => {
      for (const off of offs) off();
    };
  };
}
