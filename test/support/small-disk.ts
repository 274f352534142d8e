import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';

// Small filesystems and immutable files for the tests of a full or unwritable store: a tmpfs
// (mount needs root) and chattr +i (root, and a filesystem that supports it). Tests that need them
// check CANNOT_MOUNT / CANNOT_CHATTR and are skipped by name, with the reason, where they cannot run.

function run(command: string, args: readonly string[]): void {
  execFileSync(command, args, { stdio: 'pipe' });
}

function firstLine(error: unknown): string {
  const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
  return (stderr || String(error)).split('\n')[0]!;
}

/** Why this machine cannot mount a tmpfs (not Linux, not root), or undefined when it can. */
function probeMount(): string | undefined {
  if (process.platform !== 'linux') return `tmpfs needs Linux (this is ${process.platform})`;
  const dir = mkdtempSync(join(tmpdir(), 'xport-mount-probe-'));
  try {
    run('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
    run('umount', [dir]);
    return undefined;
  } catch (error) {
    return `cannot mount a tmpfs (run as root): ${firstLine(error)}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Why files cannot be made immutable here (chattr +i needs root and ext4, xfs, btrfs or tmpfs), or undefined. */
function probeChattr(): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'xport-chattr-probe-'));
  const file = join(dir, 'f');
  try {
    writeFileSync(file, 'x');
    run('chattr', ['+i', file]);
    run('chattr', ['-i', file]);
    return undefined;
  } catch (error) {
    return `cannot make a file immutable (chattr +i needs root and a filesystem that supports it): ${firstLine(error)}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const CANNOT_MOUNT = probeMount();
export const CANNOT_CHATTR = probeChattr();

/**
 * `describe`, or — where the precondition does not hold — a skipped test whose name says why, plus a
 * warning on the console: a run without root must say it did not check this, never pass quietly.
 */
export function describeIf(reason: string | undefined, title: string, body: () => void): void {
  if (reason === undefined) {
    describe(title, body);
    return;
  }
  console.warn(`SKIPPED "${title}": ${reason}`);
  describe(title, () => it.skip(`SKIPPED: ${reason}`, () => undefined));
}

export interface SmallDisk {
  readonly dir: string;
  /** Takes all but `leaveBytes` of the free space with a filler file. */
  fill(leaveBytes?: number): void;
  /** Removes the filler: the space returns. */
  free(): void;
  remount(mode: 'ro' | 'rw'): void;
  unmount(): void;
}

/**
 * A fresh tmpfs of `sizeBytes` (root only: check CANNOT_MOUNT first), mode 0700, owned by `owner`
 * (default: this process), at `at` (default: a new directory under the temporary directory).
 */
export function mountSmallDisk(sizeBytes: number, options: { readonly owner?: { uid: number; gid: number }; readonly at?: string } = {}): SmallDisk {
  const dir = options.at ?? mkdtempSync(join(tmpdir(), 'xport-small-disk-'));
  const owner = options.owner === undefined ? '' : `,uid=${options.owner.uid},gid=${options.owner.gid}`;
  run('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0700${owner}`, 'tmpfs', dir]);
  const filler = join(dir, 'filler');
  return {
    dir,
    fill(leaveBytes = 0) {
      const { bavail, bsize } = statfsSync(dir);
      writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - leaveBytes)));
    },
    free: () => rmSync(filler, { force: true }),
    remount: (mode) => run('mount', ['-o', `remount,${mode}`, dir]),
    unmount() {
      run('umount', [dir]);
      if (options.at === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sets or clears the immutable attribute (chattr ±i) of existing files. */
export function setImmutable(files: readonly string[], on: boolean): void {
  run('chattr', [on ? '+i' : '-i', ...files]);
}
