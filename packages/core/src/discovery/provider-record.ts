import type { ErrorCode, ProviderKind, ProviderManifest } from '@xport/provider-sdk';

/** Outcome of discovery and validation for one provider, before any of its code runs. */
export type DiscoveryStatus = 'ok' | 'invalid' | 'incompatible' | 'failed';

/** An error as reports show it: a stable code and a sentence naming the thing. Never a secret value. */
export interface ReportedError {
  readonly code: ErrorCode;
  readonly message: string;
}

/** One discovered provider package and what validation found. Internal working form of the discovery report. */
export interface ProviderRecord {
  id: string;
  readonly packageName: string;
  readonly version: string;
  readonly directory: string;
  kind: ProviderKind | 'unknown';
  addressTypes: readonly string[];
  manifest: ProviderManifest | undefined;
  /** Absolute, real path of the entry module, once checked. */
  entryPath: string | undefined;
  /** Validated configuration, defaults applied. */
  config: Record<string, unknown>;
  enabled: boolean;
  status: DiscoveryStatus;
  errors: ReportedError[];
}

/** Records an error and downgrades the status; `failed` and `incompatible` are not upgraded back to `invalid`. */
export function reject(record: ProviderRecord, status: Exclude<DiscoveryStatus, 'ok'>, error: ReportedError): void {
  record.errors.push(error);
  if (record.status === 'ok') record.status = status;
}
