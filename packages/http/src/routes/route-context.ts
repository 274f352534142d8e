import { XportError, type MessageStore } from '@xport/provider-sdk';
import type { Kernel } from '@xport/core';

/** What routes are built over. */
export interface RouteContext {
  readonly kernel: Kernel;
  /** The body limit of `POST /v1/messages` (follows `spooler.maxMessageBytes`). */
  readonly maxBodyBytes: number;
}

/** The open store, or `XPORT_STORE_UNAVAILABLE` (503) while the daemon is starting or stopping. */
export function requireStore(kernel: Kernel): MessageStore {
  const store = kernel.store();
  if (store === undefined) throw new XportError('XPORT_STORE_UNAVAILABLE', 'the message store is not open (the daemon is starting or stopping)');
  return store;
}
