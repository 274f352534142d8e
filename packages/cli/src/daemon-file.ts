import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ProviderStatus } from '@xport/core';

/** What a running daemon publishes for `xport status` in other processes. */
export interface DaemonRecord {
  readonly pid: number;
  readonly startedAt: number;
  readonly updatedAt: number;
  readonly providers: readonly ProviderStatus[];
}

export const DAEMON_FILE = join('.xport', 'daemon.json');

export function writeDaemonRecord(root: string, record: DaemonRecord): void {
  const path = join(root, DAEMON_FILE);
  mkdirSync(dirname(path), { recursive: true });
  // Write-then-rename: a reader never sees half a file.
  writeFileSync(`${path}.tmp`, JSON.stringify(record, null, 2));
  renameSync(`${path}.tmp`, path);
}

export function removeDaemonRecord(root: string): void {
  rmSync(join(root, DAEMON_FILE), { force: true });
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
