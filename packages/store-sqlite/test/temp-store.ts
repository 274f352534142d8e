import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory for one test's database files, and the function that removes it. */
export async function makeTempDir(): Promise<{ dir: string; dbPath: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'xport-store-sqlite-'));
  return { dir, dbPath: join(dir, 'store.db'), cleanup: () => rm(dir, { recursive: true, force: true }) };
}
