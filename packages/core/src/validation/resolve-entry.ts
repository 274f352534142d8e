import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize, relative, sep, win32 } from 'node:path';

export type EntryResolution = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string };

function inside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/**
 * Resolves a manifest `entry` to a real file inside the package directory. Absolute paths, `..`
 * segments that leave the package, and symlinks whose target lies outside the package are refused,
 * so a manifest can never make the kernel import code from elsewhere.
 */
export async function resolveEntry(directory: string, entry: string): Promise<EntryResolution> {
  if (isAbsolute(entry) || win32.isAbsolute(entry)) return { ok: false, reason: `entry "${entry}" is an absolute path; it must be relative to the package` };
  const candidate = join(directory, normalize(entry));
  if (!inside(directory, candidate)) return { ok: false, reason: `entry "${entry}" escapes the package directory` };
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return { ok: false, reason: `entry "${entry}" does not exist (looked for ${candidate})` };
  }
  const realDirectory = await realpath(directory);
  if (!inside(realDirectory, real)) return { ok: false, reason: `entry "${entry}" is a symlink to ${real}, outside the package directory` };
  if (!(await stat(real)).isFile()) return { ok: false, reason: `entry "${entry}" is not a file (${real})` };
  return { ok: true, path: real };
}
