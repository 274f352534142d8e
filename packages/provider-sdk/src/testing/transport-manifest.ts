import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { manifestSchema, type ProviderManifest } from '../manifest.js';

// `kernel` carries format `semver-range`; whether the range is valid *and* admits this kernel is
// checked by the kernel's own isKernelCompatible, so the format itself accepts any string here.
const validateShape = new Ajv({ allErrors: true, strict: false }).addFormat('semver-range', true).compile(manifestSchema);

function describeError(error: ErrorObject, packageName: string): string {
  const field = error.instancePath === '' ? '(root)' : error.instancePath;
  const extra = error.keyword === 'additionalProperties' ? ` ("${String((error.params as { additionalProperty?: string }).additionalProperty)}")` : '';
  return `${packageName}: manifest field ${field} ${error.message ?? 'is invalid'}${extra}`;
}

/**
 * Checks a transport package's manifest against the SDK's `manifestSchema` (ajv, every error
 * reported) and the rules a transport adds: kind `transport`, address types, a JSON-object
 * `configSchema`. Resolves with the problems found (empty when valid) and the manifest.
 *
 * @example
 * const { problems } = await checkTransportManifest('./');
 * expect(problems).toEqual([]);
 */
export async function checkTransportManifest(packageDir: string): Promise<{ problems: string[]; manifest: ProviderManifest | undefined; packageName: string }> {
  const pkg = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { name?: string; xport?: unknown; peerDependencies?: Record<string, string>; dependencies?: Record<string, string> };
  const packageName = pkg.name ?? packageDir;
  if (pkg.xport === undefined) return { problems: [`${packageName}: package.json has no "xport" manifest`], manifest: undefined, packageName };
  const problems: string[] = [];
  if (!validateShape(pkg.xport)) problems.push(...(validateShape.errors ?? []).map((e) => describeError(e, packageName)));
  const manifest = pkg.xport as ProviderManifest;
  if (manifest.kind !== 'transport') problems.push(`${packageName}: manifest field /kind must be "transport" (got ${JSON.stringify(manifest.kind)})`);
  if (pkg.dependencies?.['@xport/provider-sdk'] !== undefined) {
    problems.push(`${packageName}: @xport/provider-sdk must be a peerDependency (one copy shared with the kernel), found it in dependencies`);
  }
  return { problems, manifest: problems.length === 0 ? manifest : undefined, packageName };
}
