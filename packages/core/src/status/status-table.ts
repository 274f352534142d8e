import type { ProviderRecord, ReportedError } from '../discovery/provider-record.js';
import type { ProviderState } from '../lifecycle/provider-state.js';
import type { DatedError } from './error-history.js';
import type { SecretRedactor } from '../logging/secret-redactor.js';
import type { ProviderStatus } from './status-row.js';
import { readTransportSides } from './transport-sides.js';

/**
 * `kernel.status()`: one row per discovered provider, with the sides a loaded transport reports,
 * the current error (none once it is back online) and the error history. Error messages pass
 * through the redactor once more.
 */
export function toStatusTable(
  runners: Iterable<{
    readonly record: ProviderRecord;
    readonly state: ProviderState;
    readonly lastError: ReportedError | undefined;
    readonly lastErrorAt?: number | undefined;
    readonly errorHistory?: readonly DatedError[];
    readonly instance?: object | undefined;
  }>,
  redactor: SecretRedactor,
): ProviderStatus[] {
  const rows: ProviderStatus[] = [];
  for (const runner of runners) {
    const { record, lastError, lastErrorAt, errorHistory } = runner;
    const sides = record.kind === 'transport' ? readTransportSides(runner.instance, redactor) : undefined;
    rows.push({
      id: record.id,
      packageName: record.packageName,
      version: record.version,
      kind: record.kind,
      addressTypes: [...record.addressTypes],
      state: runner.state,
      enabled: record.enabled,
      ...(lastError === undefined ? {} : { lastError: { code: lastError.code, message: redactor.redact(lastError.message) } }),
      ...(lastError === undefined || lastErrorAt === undefined ? {} : { lastErrorAt }),
      ...(errorHistory === undefined || errorHistory.length === 0 ? {} : { errorHistory: errorHistory.map((e) => ({ code: e.code, message: redactor.redact(e.message), at: e.at })) }),
      ...(sides === undefined ? {} : { sides }),
      directory: record.directory,
    });
  }
  return rows;
}
