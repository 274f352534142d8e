import { chmod, cp, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestApp, type FixtureInstall, type TestApp } from '../helpers/test-app.js';

const SECURITY_FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** A test application with core fixtures (by name) and this folder's fixtures (`recording-transport`, `never-requires`). */
export async function createSecurityApp(core: ReadonlyArray<FixtureInstall | string>, own: readonly string[], config?: unknown): Promise<TestApp> {
  const app = await createTestApp(core, config);
  for (const name of own) await cp(join(SECURITY_FIXTURES, name), join(app.root, 'node_modules', name), { recursive: true });
  return app;
}

/** Writes `.xport/credentials.json` with the given mode; returns its path. */
export async function writeCredentialFile(root: string, content: unknown, mode = 0o600): Promise<string> {
  const path = join(root, '.xport', 'credentials.json');
  await mkdir(join(root, '.xport'), { recursive: true, mode: 0o700 });
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  await chmod(path, mode);
  return path;
}
