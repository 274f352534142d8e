import { join } from 'node:path';
import { findJsonShapeProblem, MAX_PACKAGE_JSON_BYTES, readBoundedJson } from '../json/safe-json.js';

/** A package that declares (or was named as) an xport provider, before its manifest is validated. */
export interface ProviderPackage {
  readonly directory: string;
  readonly packageName: string;
  readonly version: string;
  /** The raw `"xport"` field; undefined when the package.json could not be read. */
  readonly manifest: unknown;
  /** Why the package.json or its manifest could not be used (`XPORT_MANIFEST_UNREADABLE`). */
  readonly unreadable?: string;
}

export type ManifestRead =
  | { readonly kind: 'provider'; readonly pkg: ProviderPackage }
  | { readonly kind: 'not-a-provider'; readonly packageName: string }
  | { readonly kind: 'unreadable'; readonly reason: string };

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.length > 0 && value.length <= 214 ? value : fallback;
}

/**
 * Reads a package's `package.json` (at most 1 MiB) and picks out its `"xport"` manifest.
 * A manifest with `__proto__`/`constructor`/`prototype` keys or nested too deep is marked unreadable.
 */
export async function readManifest(directory: string): Promise<ManifestRead> {
  const read = await readBoundedJson(join(directory, 'package.json'), MAX_PACKAGE_JSON_BYTES);
  if (!read.ok) return { kind: 'unreadable', reason: read.reason };
  if (typeof read.value !== 'object' || read.value === null || Array.isArray(read.value)) {
    return { kind: 'unreadable', reason: `${join(directory, 'package.json')} is not a JSON object` };
  }
  const json = read.value as Record<string, unknown>;
  const packageName = text(json.name, directory);
  if (!Object.hasOwn(json, 'xport')) return { kind: 'not-a-provider', packageName };
  const version = text(json.version, '0.0.0');
  const shape = findJsonShapeProblem(json.xport);
  if (shape) {
    return {
      kind: 'provider',
      pkg: { directory, packageName, version, manifest: undefined, unreadable: `${packageName}: manifest field ${shape.path} ${shape.reason}` },
    };
  }
  return { kind: 'provider', pkg: { directory, packageName, version, manifest: json.xport } };
}
