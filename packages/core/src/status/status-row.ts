import type { ProviderKind, TransportSide } from '@xport/provider-sdk';
import type { ProviderState } from '../lifecycle/provider-state.js';

/** One row of `kernel.status()` (MAPI status table). `lastError` never carries a secret value. */
export interface ProviderStatus {
  readonly id: string;
  readonly packageName: string;
  readonly version: string;
  readonly kind: ProviderKind | 'unknown';
  readonly addressTypes: readonly string[];
  readonly state: ProviderState;
  readonly enabled: boolean;
  readonly lastError?: { readonly code: string; readonly message: string };
  /**
   * A transport's sides (its relay and its listener, say), as the provider reports them through
   * `sides()`; absent when it reports none. A side can be up while the provider is `logon-failed`
   * or `offline`: receiving does not wait for sending. Texts are redacted like `lastError`.
   */
  readonly sides?: readonly TransportSide[];
  readonly directory: string;
}
