import { checkManifest, type ManifestCheck } from './manifest-check.js';

/**
 * Checks a hook package's manifest against the SDK's `manifestSchema` (ajv, every error reported)
 * and the rules a hook adds: kind `hook`, no `addressTypes` (nothing is routed to a hook: it judges
 * every message), the SDK a peer dependency. Resolves with the problems found (empty when valid)
 * and the manifest.
 *
 * @example
 * const { problems } = await checkHookManifest('./');
 * expect(problems).toEqual([]);
 */
export function checkHookManifest(packageDir: string): Promise<ManifestCheck> {
  return checkManifest(packageDir, 'hook', (manifest, packageName) =>
    manifest.addressTypes === undefined ? [] : [`${packageName}: manifest field /addressTypes is for transports; a hook judges every message and is routed none, so remove it`],
  );
}
