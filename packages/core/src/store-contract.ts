import type { MessageStore } from '@xport/provider-sdk';

const STORE_METHODS: ReadonlyArray<keyof MessageStore> = [
  'open', 'close', 'submit', 'claim', 'complete', 'makeDue', 'abort', 'getMessage', 'listQueue', 'listSent', 'counts',
  'nextWakeAt', 'purgeSent', 'receive', 'listInbox', 'getInboxEntry', 'markRead', 'openPart', 'quarantined', 'onWork', 'claimStranded',
];

/** Names of MessageStore methods `store` lacks: a store provider built against an older or partial contract. */
export function missingStoreMethods(store: unknown): string[] {
  if (typeof store !== 'object' || store === null) return [...STORE_METHODS];
  return STORE_METHODS.filter((name) => typeof (store as Record<string, unknown>)[name] !== 'function');
}
