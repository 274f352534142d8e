import type { ProviderKind, TransportSide } from '@xport/provider-sdk';
import type { ProviderState } from '../lifecycle/provider-state.js';

/** One row of `kernel.status()` (MAPI status table). No error text carries a secret value. */
export interface ProviderStatus {
  readonly id: string;
  readonly packageName: string;
  readonly version: string;
  readonly kind: ProviderKind | 'unknown';
  readonly addressTypes: readonly string[];
  readonly state: ProviderState;
  readonly enabled: boolean;
  /**
   * The error behind the current state: why it is offline, failed, `logon-failed`, or what went wrong
   * since it last came online (an error its code left unhandled). Absent once the provider is back
   * online: a recovered provider shows no stale error (see `errorHistory`).
   */
  readonly lastError?: { readonly code: string; readonly message: string };
  /** When `lastError` happened (epoch ms); absent with it. */
  readonly lastErrorAt?: number;
  /** The last errors (at most five), newest first, each with its time: kept after the provider recovered. */
  readonly errorHistory?: ReadonlyArray<{ readonly code: string; readonly message: string; readonly at: number }>;
  /**
   * A transport's sides (its relay and its listener, say), as the provider reports them through
   * `sides()`; absent when it reports none. A side can be up while the provider is `logon-failed`
   * or `offline`: receiving does not wait for sending. Texts are redacted like `lastError`.
   */
  readonly sides?: readonly TransportSide[];
  readonly directory: string;
}
