import { checkManifest, type ManifestCheck, type ManifestCheckOptions } from './manifest-check.js';

/**
 * Checks a hook package's manifest with the kernel's own validation (`validateManifest` of the
 * `@xport/core` your project installed) and the rules a hook adds: kind `hook`, no `addressTypes` (nothing is routed to a hook: it judges
 * every message), the SDK a peer dependency. Resolves with the problems found (empty when valid)
 * and the manifest.
 *
 * @example
 * const { problems } = await checkHookManifest('./');
 * expect(problems).toEqual([]);
 */
export function checkHookManifest(packageDir: string, options: ManifestCheckOptions = {}): Promise<ManifestCheck> {
  return checkManifest(packageDir, 'hook', options, (manifest, packageName) =>
    manifest.addressTypes === undefined ? [] : [`${packageName}: manifest field /addressTypes is for transports; a hook judges every message and is routed none, so remove it`],
  );
}
