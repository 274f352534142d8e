import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory(); // stat follows symlinks: workspace links count as packages
  } catch {
    return false;
  }
}

async function listEntries(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory() || entry.isSymbolicLink())
      .map((entry) => entry.name)
      .filter((name) => !name.startsWith('.'));
  } catch {
    return [];
  }
}

/**
 * Lists the package directories directly under `<root>/node_modules`, scoped ones (`@scope/name`)
 * included and symlinks followed. Nested `node_modules` are not walked: a provider an application
 * uses is one of its direct (hoisted or linked) dependencies. No file is read here.
 */
export async function scanNodeModules(root: string): Promise<string[]> {
  const base = join(root, 'node_modules');
  const found: string[] = [];
  for (const name of (await listEntries(base)).sort()) {
    const path = join(base, name);
    if (name.startsWith('@')) {
      for (const child of (await listEntries(path)).sort()) {
        const scoped = join(path, child);
        if (await isDirectory(scoped)) found.push(scoped);
      }
    } else if (await isDirectory(path)) {
      found.push(path);
    }
  }
  return found;
}
