import { realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';

const STICKY = 0o1000;
const GROUP_OR_OTHER_WRITE = 0o022;
const GROUP_OR_OTHER_ANY = 0o077;

const octal = (mode: number): string => (mode & 0o7777).toString(8).padStart(4, '0');

/** Every directory from `path`'s parent up to the root, nearest first. */
function ancestors(path: string): string[] {
  const dirs: string[] = [];
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    dirs.push(dir);
    if (dirname(dir) === dir) return dirs;
  }
}

/**
 * Why the opened credentials file cannot be trusted, or undefined. The rules are ssh's for a private
 * key, made explicit:
 * - the file belongs to the user xport runs as (root's file for a root daemon), and neither group
 *   nor others may read or write it;
 * - no directory on the way to it lets another user swap the file: each belongs to that user or to
 *   root, and group or others may write it only when its sticky bit is set (like `/tmp`: there only
 *   an entry's owner may rename or delete it, and the entry below is checked in turn).
 *
 * The directories are those of the path as written (where a symlink lives) and of the path it
 * resolves to (where the file lives). `file` is the stat of the already opened file, so the file
 * checked is the file read.
 */
export async function findUnsafeCredentialPath(path: string, file: Stats, uid: number): Promise<string | undefined> {
  if (!file.isFile()) return 'is not a regular file';
  if (file.uid !== uid) {
    return `is owned by another user (uid ${file.uid}); it must belong to the user xport runs as (uid ${uid}): run chown ${uid} ${path}`;
  }
  if ((file.mode & GROUP_OR_OTHER_ANY) !== 0) return `is readable by group or others (mode ${octal(file.mode & 0o777)}); run: chmod 600 ${path}`;
  const written = resolve(path);
  const real = await realpath(written).catch(() => written);
  const directories = [...new Set([...ancestors(written), ...ancestors(real)])];
  for (const directory of directories) {
    const info = await stat(directory);
    if (info.uid !== uid && info.uid !== 0) {
      return `is in directory ${directory}, which is owned by another user (uid ${info.uid}) who could replace the file; it must belong to uid ${uid} or root`;
    }
    if ((info.mode & GROUP_OR_OTHER_WRITE) !== 0 && (info.mode & STICKY) === 0) {
      return `is in directory ${directory} (mode ${octal(info.mode)}), which group or others can write without the sticky bit, so they could replace the file; run: chmod go-w ${directory}`;
    }
  }
  return undefined;
}
