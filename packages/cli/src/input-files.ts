import { constants, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { XportError } from '@xport/provider-sdk';

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}

function describeFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

/** `XPORT_INPUT_UNREADABLE` for the file an option names. */
export function toUnreadableError(option: string, path: string, why: string, cause?: unknown): XportError {
  return new XportError('XPORT_INPUT_UNREADABLE', `${option} ${path}: ${why}`, { details: { option, path }, ...(cause === undefined ? {} : { cause }) });
}

/** `stat` of the file an option names, or `XPORT_INPUT_UNREADABLE` saying why there is none. */
export async function statInput(option: string, path: string): Promise<Stats> {
  try {
    return await stat(path);
  } catch (error) {
    throw toUnreadableError(option, path, describeFailure(error), error);
  }
}

/** `stats` when they are a regular file's: anything else has no size to check before reading. */
export function requireRegularFile(option: string, path: string, stats: Stats): Stats {
  if (!stats.isFile()) throw toUnreadableError(option, path, `${kindOf(stats)}, not a regular file`);
  return stats;
}

/**
 * Opens a file an option names for reading. With `expected` (a regular file checked before), the
 * opened file must be that same file, and the open is non-blocking, so a FIFO swapped in meanwhile
 * cannot hang it; without, a pipe opens as pipes do (when a writer comes).
 */
export async function openInput(option: string, path: string, expected?: Stats): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(path, expected === undefined ? constants.O_RDONLY : constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw toUnreadableError(option, path, describeFailure(error), error);
  }
  if (expected !== undefined) {
    const opened = await handle.stat();
    if (!opened.isFile() || opened.ino !== expected.ino || opened.dev !== expected.dev) {
      await handle.close();
      throw toUnreadableError(option, path, 'replaced by another file while it was being opened');
    }
  }
  return handle;
}
