import type { ProviderState } from '@xport/core';
import type { RecipientState } from '@xport/provider-sdk';

// The enums the API's schemas list. Each is checked against the type it mirrors, so a state the
// kernel adds fails the build here until the API documents it.
type Exhaustive<Listed, All> = [All] extends [Listed] ? ([Listed] extends [All] ? true : never) : never;

export const RECIPIENT_STATES = ['queued', 'in-flight', 'deferred', 'held', 'delivered', 'failed', 'expired', 'aborted'] as const;
export const PROVIDER_STATES = [
  'discovered',
  'invalid',
  'incompatible',
  'loading',
  'logging-on',
  'starting',
  'online',
  'offline',
  'logon-failed',
  'failed',
  'stopping',
  'stopped',
] as const;

const recipientStatesListed: Exhaustive<(typeof RECIPIENT_STATES)[number], RecipientState> = true;
const providerStatesListed: Exhaustive<(typeof PROVIDER_STATES)[number], ProviderState> = true;
void recipientStatesListed;
void providerStatesListed;

/** The non-final states a queue depth counts, as metrics and `GET /v1/providers` name them. */
export const QUEUE_STATES = ['queued', 'in-flight', 'deferred', 'held'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];
