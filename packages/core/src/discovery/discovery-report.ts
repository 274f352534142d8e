import type { ErrorCode, ProviderKind } from '@xport/provider-sdk';
import { toRenamedVariableError, type CredentialService } from '../credentials/credential-service.js';
import { toMissingCredentialError } from '../credentials/required-credentials.js';
import type { DiscoveryStatus, ProviderRecord, ReportedError } from './provider-record.js';

/** One provider as `discover()` (and `xport providers` / `xport doctor`) shows it. */
export interface ProviderReport {
  readonly id: string;
  readonly packageName: string;
  readonly version: string;
  readonly kind: ProviderKind | 'unknown';
  readonly addressTypes: readonly string[];
  readonly directory: string;
  readonly enabled: boolean;
  readonly status: DiscoveryStatus;
  readonly errors: readonly ReportedError[];
  /** Declared credentials and whether a source has them (never the value). */
  readonly credentials: ReadonlyArray<{ readonly name: string; readonly required: boolean; readonly present: boolean }>;
}

/** A credential problem, by name only. `provider`/`credential` are absent for a refused credentials file. */
export interface CredentialProblem {
  readonly code: ErrorCode;
  readonly message: string;
  readonly provider?: string;
  readonly credential?: string;
}

/** What `kernel.discover()` found, with no provider code loaded. */
export interface DiscoveryReport {
  readonly root: string;
  readonly kernelApiVersion: string;
  readonly providers: readonly ProviderReport[];
  /** `XPORT_CONFIG_INVALID` problems of xport.config.json (discovery then ran with the defaults). */
  readonly configErrors: readonly ReportedError[];
  /** Problems that belong to no provider: unresolved discovery paths, unreadable package.json, unknown store. */
  readonly problems: readonly ReportedError[];
  readonly credentialProblems: readonly CredentialProblem[];
}

/** Builds the report; checks required credentials of valid, enabled providers against every source. */
export async function toDiscoveryReport(input: {
  readonly root: string;
  readonly kernelApiVersion: string;
  readonly records: readonly ProviderRecord[];
  readonly problems: readonly ReportedError[];
  readonly configErrors: readonly ReportedError[];
  readonly credentials: CredentialService;
}): Promise<DiscoveryReport> {
  const credentialProblems: CredentialProblem[] = [];
  const fileProblem = await input.credentials.refresh();
  if (fileProblem) credentialProblems.push({ code: fileProblem.code, message: fileProblem.message });
  const providers = input.records.map((record): ProviderReport => {
    const declared = Object.entries(record.manifest?.credentials ?? {});
    const credentials = declared.map(([name, declaration]) => {
      const lookup = input.credentials.lookup(record.id, name);
      const present = lookup.value !== undefined;
      if (lookup.renamed) {
        const warning = toRenamedVariableError(record.id, name, lookup.renamed);
        credentialProblems.push({ code: warning.code, provider: record.id, credential: name, message: warning.message });
      }
      if (!present && declaration.required && record.status === 'ok' && record.enabled) {
        credentialProblems.push({
          code: 'XPORT_CREDENTIAL_MISSING',
          provider: record.id,
          credential: name,
          message: toMissingCredentialError(record.id, name, lookup.searched).message,
        });
      }
      return { name, required: declaration.required, present };
    });
    return {
      id: record.id,
      packageName: record.packageName,
      version: record.version,
      kind: record.kind,
      addressTypes: record.addressTypes,
      directory: record.directory,
      enabled: record.enabled,
      status: record.status,
      errors: record.errors,
      credentials,
    };
  });
  return { root: input.root, kernelApiVersion: input.kernelApiVersion, providers, configErrors: input.configErrors, problems: input.problems, credentialProblems };
}
