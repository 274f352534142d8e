// The one function needed, not semver's index (its fifty modules are a cost at every start).
import satisfies from 'semver/functions/satisfies.js';
import { KERNEL_API_VERSION } from '../version.js';

/**
 * True when a manifest's `kernel` range admits the kernel API version.
 *
 * Prereleases, deliberately: `includePrerelease` stays off (npm's rule). A provider that requires a
 * prerelease (`^1.1.0-beta.1`) is incompatible with a released 1.0.0 kernel, because that kernel lacks
 * the API the beta introduced; and a prerelease kernel (`1.1.0-rc.1`) only satisfies ranges that name
 * a prerelease of the same `major.minor.patch`, so no provider silently runs on an unfinished API.
 *
 * @example
 * isKernelCompatible('^1.0.0')          // true with KERNEL_API_VERSION 1.0.0
 * isKernelCompatible('^1.1.0-beta.1')   // false
 */
export function isKernelCompatible(range: string, kernelVersion: string = KERNEL_API_VERSION): boolean {
  return satisfies(kernelVersion, range, { includePrerelease: false });
}
