import { closeSync, openSync, readFileSync } from 'node:fs';
import { devNull } from 'node:os';

/** Whether the process can open file descriptors, or which error says it cannot. */
export type DescriptorState = 'available' | 'EMFILE' | 'ENFILE';

/** The code of an error that means the process or the system ran out of file descriptors, else undefined. */
export function toDescriptorExhaustion(error: unknown): 'EMFILE' | 'ENFILE' | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'EMFILE' || code === 'ENFILE' ? code : undefined;
}

/**
 * Opens (and closes) `count` descriptors to see whether the process could accept a connection.
 * Node does not report it when accept() fails for want of descriptors: libuv then either accepts
 * and drops the connection or leaves it in the backlog and retries on every turn of the event loop.
 */
export function probeDescriptors(count = 1): DescriptorState {
  const opened: number[] = [];
  try {
    for (let i = 0; i < count; i += 1) opened.push(openSync(devNull, 'r'));
    return 'available';
  } catch (error) {
    // Another failure (no /dev/null in a chroot) says nothing about descriptors.
    return toDescriptorExhaustion(error) ?? 'available';
  } finally {
    for (const fd of opened) closeSync(fd);
  }
}

/** The soft limit on open files (`ulimit -n`), from /proc on Linux; undefined elsewhere or when unlimited. */
export function readOpenFileLimit(limitsFile = '/proc/self/limits'): number | undefined {
  try {
    const match = /^Max open files\s+(\d+)\s/m.exec(readFileSync(limitsFile, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}
