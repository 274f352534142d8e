import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** The database and the files SQLite keeps beside it in WAL mode. */
export function storeFiles(path: string): { readonly db: string; readonly wal: string; readonly shm: string } {
  return { db: path, wal: `${path}-wal`, shm: `${path}-shm` };
}

const DIRECTORY_MODE = 0o700;
const FILE_MODE = 0o600;

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Creates the directories the database lives in that do not exist yet, `0700` whatever the umask
 * (chmod after mkdir: the umask may take bits off the mode mkdir is given). Directories that already
 * exist are left as they are: the store may live in a directory it does not own.
 */
function createDirectories(dir: string): void {
  const first = mkdirSync(dir, { recursive: true, mode: DIRECTORY_MODE });
  if (first === undefined) return;
  let current = first;
  chmodSync(current, DIRECTORY_MODE);
  for (const name of relative(first, dir).split(sep).filter((n) => n !== '')) {
    current = join(current, name);
    chmodSync(current, DIRECTORY_MODE);
  }
}

/**
 * Makes sure the store's files are readable by their owner only: creates the database file `0600`
 * before SQLite opens it (SQLite gives the `-wal` and `-shm` files it creates the database file's
 * mode), and takes group and other bits off the three files where an older version left them
 * (`0644`). Message content is in clear in these files.
 *
 * @returns the files whose mode was tightened.
 */
export function prepareStoreFiles(path: string): string[] {
  createDirectories(dirname(path));
  try {
    closeSync(openSync(path, 'wx', FILE_MODE));
    chmodSync(path, FILE_MODE);
  } catch (error) {
    // Another process created it first, or it was there already: tightened below like any other.
    if (errorCode(error) !== 'EEXIST') throw error;
  }
  const tightened: string[] = [];
  const uid = process.getuid?.();
  for (const file of Object.values(storeFiles(path))) {
    let stats;
    try {
      stats = statSync(file);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') continue;
      throw error;
    }
    // Another user's file is theirs to set (a chmod would fail anyway).
    if ((stats.mode & 0o077) === 0 || (uid !== undefined && uid !== 0 && stats.uid !== uid)) continue;
    try {
      chmodSync(file, stats.mode & 0o700);
      tightened.push(file);
    } catch (error) {
      // Immutable or on a read-only filesystem: the writability check that follows names it.
      if (!/^(EPERM|EROFS|EACCES)$/.test(errorCode(error) ?? '')) throw error;
    }
  }
  return tightened;
}
