import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';

export type ExplicitResolution = { readonly ok: true; readonly directory: string } | { readonly ok: false; readonly reason: string };

async function isPackageDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(join(dir, 'package.json'))).isFile();
  } catch {
    return false;
  }
}

/** A path (`./providers/fax`, `../x`, `/abs`) rather than a package name (`fax`, `@acme/xport-fax`). */
function isPathSpec(spec: string): boolean {
  return spec.startsWith('.') || isAbsolute(spec);
}

/**
 * Resolves one `discovery.paths` entry: a directory relative to the application root, or a package
 * name looked up the way Node does (`node_modules` of the root, then of each parent directory).
 */
export async function resolveExplicitProvider(root: string, spec: string): Promise<ExplicitResolution> {
  if (isPathSpec(spec)) {
    const directory = resolve(root, spec);
    if (await isPackageDirectory(directory)) return { ok: true, directory };
    return { ok: false, reason: `discovery path "${spec}" has no package.json (looked in ${directory})` };
  }
  const searched: string[] = [];
  for (let dir = resolve(root); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', spec);
    searched.push(candidate);
    if (await isPackageDirectory(candidate)) return { ok: true, directory: candidate };
    if (dirname(dir) === dir) break;
  }
  return { ok: false, reason: `package "${spec}" named in discovery.paths is not installed (looked in ${searched.slice(0, 3).join(', ')}${searched.length > 3 ? ', …' : ''})` };
}
