import { readFileSync, rmSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DestinationStatus, ProviderStatus } from '@xport/core';
import type { WebhookEndpointStatus } from '@xport/webhooks';
import { ensureStateDirAsync, STATE_DIR } from './state-dir.js';

/** What a running daemon publishes for `xport status` in other processes. */
export interface DaemonRecord {
  readonly pid: number;
  readonly startedAt: number;
  readonly updatedAt: number;
  /** `starting` while providers come online (a hung one may keep it there until its deadline), then `running`, then `stopping`. */
  readonly phase: 'starting' | 'running' | 'stopping';
  readonly providers: readonly ProviderStatus[];
  /** Per-destination flow (`kernel.destinations()`); absent in a record of an older daemon. */
  readonly destinations?: readonly DestinationStatus[];
  /** Each configured webhook endpoint (no secret: the URL without query); absent when none is configured. */
  readonly webhooks?: readonly WebhookEndpointStatus[];
}

export const DAEMON_FILE = join(STATE_DIR, 'daemon.json');
const OWNER_ONLY = 0o600;

/**
 * Writes the record owner-only (0600, in the 0700 state directory) and atomically: a temporary file
 * of this process, then a rename, so a reader never sees half a file. The mode is set on the open
 * descriptor before any byte is written, so not even a leftover temporary file is ever readable by
 * others. On failure (a full disk, a read-only or immutable file) the temporary file is removed and
 * the error thrown: the caller decides how loudly to say so.
 */
export async function writeDaemonRecord(root: string, record: DaemonRecord): Promise<void> {
  await ensureStateDirAsync(root);
  const path = join(root, DAEMON_FILE);
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    const handle = await open(temporary, 'w', OWNER_ONLY);
    try {
      await handle.chmod(OWNER_ONLY);
      await handle.writeFile(JSON.stringify(record, null, 2));
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}

/** Removes the record at exit. Never throws: a file that cannot be removed is ignored by readers once this process is gone. */
export function removeDaemonRecord(root: string): void {
  try {
    rmSync(join(root, DAEMON_FILE), { force: true });
  } catch {
    // readDaemonRecord checks the pid, so a record left behind reads as "no daemon running".
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The running daemon's record, or undefined when none runs (a record left by a killed daemon is ignored). */
export function readDaemonRecord(root: string): DaemonRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(join(root, DAEMON_FILE), 'utf8')) as DaemonRecord;
    return isAlive(record.pid) ? record : undefined;
  } catch {
    return undefined;
  }
}
