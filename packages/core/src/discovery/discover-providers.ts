import { realpath } from 'node:fs/promises';
import type { XportConfig } from '../config/config-schema.js';
import { isKernelCompatible } from '../validation/check-compatibility.js';
import { validateManifest } from '../validation/validate-manifest.js';
import { resolveEntry } from '../validation/resolve-entry.js';
import { validateProviderConfig } from '../validation/validate-provider-config.js';
import { rejectDuplicateIds } from '../validation/duplicate-ids.js';
import { rejectAddressTypeConflicts } from '../validation/address-type-conflicts.js';
import { KERNEL_API_VERSION } from '../version.js';
import { scanNodeModules } from './scan-node-modules.js';
import { resolveExplicitProvider } from './resolve-explicit.js';
import { readManifest, type ProviderPackage } from './read-manifest.js';
import { reject, type ProviderRecord, type ReportedError } from './provider-record.js';

export interface DiscoveredProviders {
  readonly records: ProviderRecord[];
  /** Problems that belong to no provider id: unresolved discovery paths, unreadable package.json files. */
  readonly problems: ReportedError[];
}

interface Candidate {
  readonly directory: string;
  readonly explicit: string | undefined;
}

async function listCandidates(root: string, config: XportConfig, problems: ReportedError[]): Promise<Candidate[]> {
  const scanned = config.discovery.nodeModules ? await scanNodeModules(root) : [];
  const explicit = await Promise.all(config.discovery.paths.map(async (spec) => ({ spec, resolution: await resolveExplicitProvider(root, spec) })));
  const candidates: Candidate[] = scanned.map((directory) => ({ directory, explicit: undefined }));
  for (const { spec, resolution } of explicit) {
    if (resolution.ok) candidates.push({ directory: resolution.directory, explicit: spec });
    else problems.push({ code: 'XPORT_PROVIDER_NOT_FOUND', message: resolution.reason });
  }
  const seen = new Set<string>();
  const unique: Candidate[] = [];
  for (const candidate of candidates) {
    const real = await realpath(candidate.directory).catch(() => candidate.directory);
    if (seen.has(real)) continue; // the same package found through node_modules and discovery.paths
    seen.add(real);
    unique.push({ directory: real, explicit: candidate.explicit });
  }
  return unique;
}

function toRecord(pkg: ProviderPackage): ProviderRecord {
  const raw = typeof pkg.manifest === 'object' && pkg.manifest !== null ? (pkg.manifest as Record<string, unknown>) : {};
  return {
    id: typeof raw.id === 'string' && raw.id.length <= 64 ? raw.id : pkg.packageName,
    packageName: pkg.packageName,
    version: pkg.version,
    directory: pkg.directory,
    kind: raw.kind === 'transport' || raw.kind === 'store' || raw.kind === 'hook' ? raw.kind : 'unknown',
    addressTypes: [],
    manifest: undefined,
    entryPath: undefined,
    config: {},
    enabled: true,
    status: 'ok',
    errors: [],
  };
}

async function validateRecord(record: ProviderRecord, pkg: ProviderPackage, config: XportConfig): Promise<void> {
  if (pkg.unreadable !== undefined) return reject(record, 'failed', { code: 'XPORT_MANIFEST_UNREADABLE', message: pkg.unreadable });
  const checked = validateManifest(pkg.packageName, pkg.manifest);
  if (!checked.ok) {
    for (const message of checked.problems) reject(record, 'invalid', { code: 'XPORT_MANIFEST_INVALID', message });
    return;
  }
  const manifest = checked.manifest;
  record.manifest = manifest;
  record.addressTypes = manifest.addressTypes ?? [];
  const settings = config.providers[manifest.id];
  record.enabled = settings?.enabled ?? true;
  if (!isKernelCompatible(manifest.kernel)) {
    reject(record, 'incompatible', {
      code: 'XPORT_KERNEL_INCOMPATIBLE',
      message: `${pkg.packageName}: provider "${manifest.id}" requires kernel API "${manifest.kernel}", this kernel provides ${KERNEL_API_VERSION}`,
    });
  }
  const entry = await resolveEntry(pkg.directory, manifest.entry);
  if (entry.ok) record.entryPath = entry.path;
  else reject(record, 'invalid', { code: 'XPORT_PROVIDER_ENTRY_MISSING', message: `${pkg.packageName}: ${entry.reason}` });
  const configured = validateProviderConfig(pkg.packageName, manifest, settings?.config ?? {});
  if (configured.ok) record.config = configured.config;
  else reject(record, 'invalid', { code: configured.code, message: configured.message });
}

/**
 * Finds provider packages (node_modules scan plus `discovery.paths`) and validates each manifest,
 * kernel range, entry and configuration — without importing any provider code.
 */
export async function discoverProviders(root: string, config: XportConfig): Promise<DiscoveredProviders> {
  const problems: ReportedError[] = [];
  const candidates = await listCandidates(root, config, problems);
  const reads = await Promise.all(candidates.map(async (c) => ({ candidate: c, read: await readManifest(c.directory) })));
  const records: ProviderRecord[] = [];
  await Promise.all(
    reads.map(async ({ candidate, read }) => {
      if (read.kind === 'unreadable') {
        problems.push({ code: 'XPORT_MANIFEST_UNREADABLE', message: `${candidate.explicit ?? candidate.directory}: ${read.reason}` });
      } else if (read.kind === 'not-a-provider') {
        if (candidate.explicit !== undefined) {
          problems.push({ code: 'XPORT_MANIFEST_INVALID', message: `${read.packageName}: named in discovery.paths ("${candidate.explicit}") but its package.json has no "xport" field` });
        }
      } else {
        const record = toRecord(read.pkg);
        records.push(record);
        await validateRecord(record, read.pkg, config);
      }
    }),
  );
  records.sort((a, b) => candidates.findIndex((c) => c.directory === a.directory) - candidates.findIndex((c) => c.directory === b.directory));
  rejectDuplicateIds(records);
  rejectAddressTypeConflicts(records, config.transportOrder);
  return { records, problems };
}
