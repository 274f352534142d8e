import type { ProviderRecord, ReportedError } from '../discovery/provider-record.js';

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
}

/** A provider's state before the kernel runs it: what discovery and validation concluded. */
export function toInitialState(record: ProviderRecord): ProviderState {
  if (record.status === 'ok') return 'discovered';
  return record.status === 'incompatible' ? 'incompatible' : 'invalid';
}
