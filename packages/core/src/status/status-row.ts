import type { ProviderKind } from '@xport/provider-sdk';
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
  readonly directory: string;
}
