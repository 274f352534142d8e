import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = join(here, '..', '..');
export const PACKAGES = join(REPO, 'packages');

export interface E2eApp {
  readonly root: string;
  cleanup(): Promise<void>;
}

/**
 * A temporary application whose node_modules links real workspace packages (built `dist/`), the way
 * pnpm links workspace dependencies, plus an `xport.config.json`.
 */
export async function createE2eApp(packages: readonly string[], config: unknown): Promise<E2eApp> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'xport-e2e-')));
  await mkdir(join(root, 'node_modules', '@xport'), { recursive: true });
  for (const name of packages) await symlink(join(PACKAGES, name), join(root, 'node_modules', '@xport', name), 'dir');
  await writeFile(join(root, 'xport.config.json'), JSON.stringify(config, null, 2));
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}
