import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProviderManifest } from '../manifest.js';
import { loadCoreModule } from './test-kernel-modules.js';

/**
 * Checks a transport package's manifest with the kernel's own validation (`validateManifest` of the
 * `@xport/core` your project installed: the schema, its formats and the messages discovery reports)
 * and the rules a transport adds: kind `transport`, and the SDK as a peer dependency. Resolves with
 * the problems found (empty when valid) and the manifest. `@xport/core` is looked up from
 * `resolveFrom`, else the current directory, then the package.
 *
 * @example
 * const { problems } = await checkTransportManifest('./');
 * expect(problems).toEqual([]);
 */
export async function checkTransportManifest(
  packageDir: string,
  options: { readonly resolveFrom?: string } = {},
): Promise<{ problems: string[]; manifest: ProviderManifest | undefined; packageName: string }> {
  const pkg = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { name?: string; xport?: unknown; peerDependencies?: Record<string, string>; dependencies?: Record<string, string> };
  const packageName = pkg.name ?? packageDir;
  if (pkg.xport === undefined) return { problems: [`${packageName}: package.json has no "xport" manifest`], manifest: undefined, packageName };
  const core = await loadCoreModule(options.resolveFrom !== undefined ? [options.resolveFrom] : [process.cwd(), packageDir]);
  const validated = core.validateManifest(packageName, pkg.xport);
  const problems: string[] = validated.ok ? [] : [...validated.problems];
  const manifest = pkg.xport as ProviderManifest;
  if (manifest.kind !== 'transport') problems.push(`${packageName}: manifest field /kind must be "transport" (got ${JSON.stringify(manifest.kind)})`);
  if (pkg.dependencies?.['@xport/provider-sdk'] !== undefined) {
    problems.push(`${packageName}: @xport/provider-sdk must be a peerDependency (one copy shared with the kernel), found it in dependencies`);
  }
  return { problems, manifest: problems.length === 0 ? manifest : undefined, packageName };
}
