import type { ProviderRecord, ReportedError } from '../discovery/provider-record.js';
import type { Spooler } from '../spooler/spooler.js';

/** Where a provider stands in the kernel (MAPI status table `STATUS_*` flags, as one state). */
export type ProviderState =
  | 'discovered'
  | 'invalid'
  | 'incompatible'
  | 'loading'
  | 'logging-on'
  | 'starting'
  | 'online'
  | 'offline'
  | 'logon-failed'
  | 'failed'
  | 'stopping'
  | 'stopped';

/** Payload of the `provider-state` event, emitted on every change. */
export interface ProviderStateChange {
  readonly id: string;
  readonly from: ProviderState;
  readonly to: ProviderState;
  readonly error?: ReportedError;
}

/** Events a kernel emits. */
export interface KernelEvents {
  'provider-state': ProviderStateChange;
  /**
   * The spooler exists (the store is open), before it claims anything and before the other
   * providers come online. It delivers from then on, while start() may still be waiting for a slow
   * provider: subscribe to its events here to see every one.
   */
  'spooler-ready': Spooler;
  /** A provider's code left an error unhandled and the kernel contained it (see `containProviderFault`). */
  'provider-fault': ProviderFault;
}

/** Payload of the `provider-fault` event: whose error, where it surfaced, and what the status row now says. */
export interface ProviderFault {
  readonly id: string;
  readonly origin: 'uncaughtException' | 'unhandledRejection';
  readonly error: ReportedError;
}

/** A provider's state before the kernel runs it: what discovery and validation concluded. */
export function toInitialState(record: ProviderRecord): ProviderState {
  if (record.status === 'ok') return 'discovered';
  return record.status === 'incompatible' ? 'incompatible' : 'invalid';
}
