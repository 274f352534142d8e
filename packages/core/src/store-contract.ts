import { XportError, type MessageStore } from '@xport/provider-sdk';

/** Every method of the MessageStore contract the kernel, the spooler and the CLI call. */
export const STORE_METHODS: ReadonlyArray<keyof MessageStore> = [
  'open', 'close', 'submit', 'claim', 'complete', 'makeDue', 'abort', 'getMessage', 'listQueue', 'listSent', 'counts',
  'nextWakeAt', 'purgeSent', 'receive', 'listInbox', 'getInboxEntry', 'markRead', 'openPart', 'quarantined', 'onWork', 'claimStranded',
];

/** Names of MessageStore methods `store` lacks: a store provider built against an older or partial contract. */
export function missingStoreMethods(store: unknown): string[] {
  if (typeof store !== 'object' || store === null) return [...STORE_METHODS];
  return STORE_METHODS.filter((name) => typeof (store as Record<string, unknown>)[name] !== 'function');
}

/**
 * Refuses a store that lacks contract methods, before it is opened: the kernel would otherwise
 * open it and fail at the first call it cannot make. `what` names the store (package or "the
 * message store passed to createKernel").
 */
export function assertCompleteStore(store: unknown, what: string): void {
  const missing = missingStoreMethods(store);
  if (missing.length === 0) return;
  throw new XportError('XPORT_STORE_INCOMPATIBLE', `${what} does not implement the MessageStore contract this kernel calls (missing: ${missing.join(', ')}); the kernel does not start with it`, {
    details: { missing },
  });
}
