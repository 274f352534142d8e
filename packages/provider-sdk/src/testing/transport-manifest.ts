import { checkManifest, type ManifestCheck } from './manifest-check.js';

/**
 * Checks a transport package's manifest against the SDK's `manifestSchema` (ajv, every error
 * reported) and the rules a transport adds: kind `transport`, address types (the schema requires
 * them for a transport), the SDK a peer dependency. Resolves with the problems found (empty when
 * valid) and the manifest.
 *
 * @example
 * const { problems } = await checkTransportManifest('./');
 * expect(problems).toEqual([]);
 */
export function checkTransportManifest(packageDir: string): Promise<ManifestCheck> {
  return checkManifest(packageDir, 'transport');
}
