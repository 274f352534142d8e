import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProviderKind, ProviderManifest } from '../manifest.js';
import { loadCoreModule } from './test-kernel-modules.js';

/** What a manifest check found: every problem (empty when valid), and the manifest when it is valid. */
export interface ManifestCheck {
  readonly problems: string[];
  readonly manifest: ProviderManifest | undefined;
  readonly packageName: string;
}

/** Where the check looks for the `@xport/core` whose validation it uses. */
export interface ManifestCheckOptions {
  /** A directory `@xport/core` resolves from; the current directory, then the package, by default. */
  readonly resolveFrom?: string;
}

/**
 * Checks a provider package's manifest with the kernel's own validation (`validateManifest` of the
 * `@xport/core` your project installed: the schema, its formats and the messages discovery reports),
 * its kind, and that the SDK is a peer dependency rather than a dependency of its own. `extraRules`
 * adds what one kind requires beyond the schema.
 */
export async function checkManifest(
  packageDir: string,
  kind: ProviderKind,
  options: ManifestCheckOptions = {},
  extraRules: (manifest: ProviderManifest, packageName: string) => string[] = () => [],
): Promise<ManifestCheck> {
  const pkg = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { name?: string; xport?: unknown; dependencies?: Record<string, string> };
  const packageName = pkg.name ?? packageDir;
  if (pkg.xport === undefined) return { problems: [`${packageName}: package.json has no "xport" manifest`], manifest: undefined, packageName };
  const core = await loadCoreModule(options.resolveFrom !== undefined ? [options.resolveFrom] : [process.cwd(), packageDir]);
  const validated = core.validateManifest(packageName, pkg.xport);
  const problems: string[] = validated.ok ? [] : [...validated.problems];
  const manifest = pkg.xport as ProviderManifest;
  if (manifest.kind !== kind) problems.push(`${packageName}: manifest field /kind must be "${kind}" (got ${JSON.stringify(manifest.kind)})`);
  problems.push(...extraRules(manifest, packageName));
  if (pkg.dependencies?.['@xport/provider-sdk'] !== undefined) {
    problems.push(`${packageName}: @xport/provider-sdk must be a peerDependency (one copy shared with the kernel), found it in dependencies`);
  }
  return { problems, manifest: problems.length === 0 ? manifest : undefined, packageName };
}
