import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The application's private state directory: the embedded store, the daemon's status file, credentials. */
export const STATE_DIR = '.xport';
const PRIVATE = 0o700;

// Only its owner may enter it: the store and the daemon's status are nobody else's business.
const tooOpen = (mode: number, uid: number): boolean => (mode & 0o077) !== 0 && uid === process.getuid?.();

/**
 * Creates `<root>/.xport` owner-only (0700), and tightens one an older xport created 0755 (only
 * when this user owns it: another user's directory is left alone).
 *
 * @example
 * ensureStateDir('/srv/app'); // '/srv/app/.xport', mode 0700
 */
export function ensureStateDir(root: string): string {
  const dir = join(root, STATE_DIR);
  mkdirSync(dir, { recursive: true, mode: PRIVATE });
  const { mode, uid } = statSync(dir);
  if (tooOpen(mode, uid)) chmodSync(dir, PRIVATE);
  return dir;
}

/** `ensureStateDir` for background writers, which must not block the event loop. */
export async function ensureStateDirAsync(root: string): Promise<string> {
  const dir = join(root, STATE_DIR);
  await mkdir(dir, { recursive: true, mode: PRIVATE });
  const { mode, uid } = await stat(dir);
  if (tooOpen(mode, uid)) await chmod(dir, PRIVATE);
  return dir;
}
