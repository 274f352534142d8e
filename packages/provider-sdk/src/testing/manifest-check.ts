import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { manifestSchema, type ProviderKind, type ProviderManifest } from '../manifest.js';

// `kernel` carries format `semver-range`; whether the range is valid *and* admits this kernel is
// checked by the kernel's own isKernelCompatible, so the format itself accepts any string here.
const validateShape = new Ajv({ allErrors: true, strict: false }).addFormat('semver-range', true).compile(manifestSchema);

function describeError(error: ErrorObject, packageName: string): string {
  const field = error.instancePath === '' ? '(root)' : error.instancePath;
  const extra = error.keyword === 'additionalProperties' ? ` ("${String((error.params as { additionalProperty?: string }).additionalProperty)}")` : '';
  return `${packageName}: manifest field ${field} ${error.message ?? 'is invalid'}${extra}`;
}

/** What a manifest check found: every problem (empty when valid), and the manifest when it is valid. */
export interface ManifestCheck {
  readonly problems: string[];
  readonly manifest: ProviderManifest | undefined;
  readonly packageName: string;
}

/**
 * Checks a provider package's manifest against the SDK's `manifestSchema` (ajv, every error
 * reported), its kind, and that the SDK is a peer dependency rather than a dependency of its own.
 * `extraRules` adds what one kind requires beyond the schema.
 */
export async function checkManifest(packageDir: string, kind: ProviderKind, extraRules: (manifest: ProviderManifest, packageName: string) => string[] = () => []): Promise<ManifestCheck> {
  const pkg = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { name?: string; xport?: unknown; dependencies?: Record<string, string> };
  const packageName = pkg.name ?? packageDir;
  if (pkg.xport === undefined) return { problems: [`${packageName}: package.json has no "xport" manifest`], manifest: undefined, packageName };
  const problems: string[] = [];
  if (!validateShape(pkg.xport)) problems.push(...(validateShape.errors ?? []).map((e) => describeError(e, packageName)));
  const manifest = pkg.xport as ProviderManifest;
  if (manifest.kind !== kind) problems.push(`${packageName}: manifest field /kind must be "${kind}" (got ${JSON.stringify(manifest.kind)})`);
  problems.push(...extraRules(manifest, packageName));
  if (pkg.dependencies?.['@xport/provider-sdk'] !== undefined) {
    problems.push(`${packageName}: @xport/provider-sdk must be a peerDependency (one copy shared with the kernel), found it in dependencies`);
  }
  return { problems, manifest: problems.length === 0 ? manifest : undefined, packageName };
}
