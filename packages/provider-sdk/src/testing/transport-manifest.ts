import { checkManifest, type ManifestCheck, type ManifestCheckOptions } from './manifest-check.js';

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
export function checkTransportManifest(packageDir: string, options: ManifestCheckOptions = {}): Promise<ManifestCheck> {
  return checkManifest(packageDir, 'transport', options);
}
