import { accessSync, closeSync, constants, existsSync, openSync, statfsSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { storeFiles } from './store-files.js';

/** Why the filesystem under the store refuses writes, as an operator can check and fix it. */
export interface StorageDiagnosis {
  readonly errno: 'ENOSPC' | 'EDQUOT' | 'EROFS' | 'EPERM' | 'EACCES';
  /** The file or directory it was found at. */
  readonly file: string;
  readonly explanation: string;
}

const EXPLAIN: Record<StorageDiagnosis['errno'], string> = {
  ENOSPC: 'the filesystem has no space left',
  EDQUOT: 'the disk quota is exhausted',
  EROFS: 'the filesystem is read-only',
  EPERM: 'it may not be written (immutable, chattr +i, or not permitted)',
  EACCES: 'permission to write it is denied',
};

const REFUSALS = new Set<string>(Object.keys(EXPLAIN));

/** `isDirectory`: the refusal is about the filesystem or directory, named by its whole path; a store file by its name. */
function refusal(error: unknown, file: string, isDirectory = false): StorageDiagnosis | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !REFUSALS.has(code)) return undefined;
  const errno = code as StorageDiagnosis['errno'];
  return { errno, file, explanation: `${isDirectory ? file : basename(file)}: ${EXPLAIN[errno]} (${errno})` };
}

/** Whether `file` may be written: undefined when it may (or does not exist yet), the refusal when not. */
export function checkWritable(file: string, mode = constants.W_OK, isDirectory = false): StorageDiagnosis | undefined {
  try {
    accessSync(file, mode);
    return undefined;
  } catch (error) {
    return refusal(error, file, isDirectory);
  }
}

// Free blocks a write by this process may use: root may also take the blocks reserved for it.
function freeBytes(dir: string): number {
  const stats = statfsSync(dir);
  return (process.getuid?.() === 0 ? stats.bfree : stats.bavail) * stats.bsize;
}

/** Writes one page beside the database and removes it: finds a full quota, which statfs does not show. */
function probeWrite(dir: string): StorageDiagnosis | undefined {
  const probe = `${dir}/.xport-write-probe-${process.pid}`;
  let fd: number | undefined;
  try {
    fd = openSync(probe, 'w', 0o600);
    writeSync(fd, Buffer.alloc(4096));
    return undefined;
  } catch (error) {
    return refusal(error, dir, true);
  } finally {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(probe);
    } catch {
      // Not created, or already gone.
    }
  }
}

/**
 * Looks at the filesystem under a store whose write just failed: is its directory or one of its
 * files not writable (read-only mount, immutable, permissions), or is there no space or quota left?
 * Undefined when none of these holds (the failure is something else: a failing device, a lock).
 * Runs only after a failure, never on the way of a write that succeeds.
 */
export function diagnoseStorage(path: string): StorageDiagnosis | undefined {
  if (path === ':memory:') return undefined;
  const dir = dirname(path);
  try {
    const files = storeFiles(path);
    for (const [file, mode] of [
      [dir, constants.W_OK | constants.X_OK],
      [files.db, constants.W_OK],
      [files.wal, constants.W_OK],
      [files.shm, constants.W_OK],
    ] as const) {
      if (!existsSync(file)) continue;
      const refused = checkWritable(file, mode, file === dir);
      if (refused) return refused;
    }
    if (freeBytes(dir) === 0) return refusal({ code: 'ENOSPC' }, dir, true);
    return probeWrite(dir);
  } catch {
    // The directory itself is gone or unreadable: nothing this diagnosis can name.
    return undefined;
  }
}
