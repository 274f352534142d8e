import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type CliIO } from '@xport/cli';
import { createE2eApp, type E2eApp } from './test-app.js';
import { daemonSays, killDaemon, startDaemon, until, type Daemon } from '../faults/support/harness.js';
import { recordOutput } from '../support/output-recorder.js';

const FAILED = 'writing .xport/daemon.json failed; retrying every 5 s';
const RECOVERED = 'writing .xport/daemon.json works again';
const WAIT_MS = 60_000;

const count = (text: string, line: string): number => text.split('\n').filter((l) => l.includes(line)).length;
const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);

/** The store lives outside .xport, so only the daemon's own status file is in trouble. */
const appConfig = {
  store: { provider: 'store-sqlite' },
  transportOrder: ['loopback'],
  providers: { 'store-sqlite': { config: { path: 'data/store.db' } } },
  spooler: { pollMs: 100 },
};

async function send(root: string, text: string): Promise<void> {
  let err = '';
  const io: CliIO = { stdout: (s) => recordOutput('xport stdout', s), stderr: (s) => void ((err += s), recordOutput('xport stderr', s)), cwd: root, env: {}, interactive: false };
  const code = await runCli(['--root', root, 'send', '--from', 'loopback:me', '--to', 'loopback:you', '--text', text], io);
  if (code !== 0) throw new Error(`xport send exited ${code}: ${err}`);
}

async function inboxTexts(root: string): Promise<string[]> {
  let out = '';
  const io: CliIO = { stdout: (s) => void (out += s), stderr: (s) => recordOutput('xport stderr', s), cwd: root, env: {}, interactive: false };
  await runCli(['--root', root, 'inbox', 'loopback:you', '--json'], io);
  return (JSON.parse(out) as Array<{ text: string }>).map((e) => e.text);
}

/** Makes the daemon publish again now: SIGHUP re-validates every provider, and each state change is published. */
async function republish(daemon: Daemon): Promise<void> {
  const before = count(daemon.log(), 'provider loopback re-validated');
  daemon.child.kill('SIGHUP');
  await until('the daemon re-validated loopback', () => count(daemon.log(), 'provider loopback re-validated') > before, WAIT_MS, () => daemon.tail());
}

/** Fills a filesystem to the last byte; returns the filler's path. */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(16 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return path;
}

/** The daemon stops cleanly on SIGTERM, and says so. */
async function expectCleanStop(daemon: Daemon): Promise<void> {
  daemon.child.kill('SIGTERM');
  expect(await daemon.exited).toEqual({ code: 0, signal: null });
  expect(daemon.log()).toContain('stopped');
}

describe('the daemon survives trouble writing .xport/daemon.json', () => {
  let app: E2eApp | undefined;
  let daemon: Daemon | undefined;
  const undo: Array<() => void> = [];
  afterEach(async () => {
    if (daemon?.alive) await killDaemon(daemon);
    for (const step of undo.splice(0).reverse()) {
      try {
        step();
      } catch {
        // Best effort: the next step (and the app's removal) may still work.
      }
    }
    await app?.cleanup();
    app = undefined;
    daemon = undefined;
  });

  it('on a full filesystem: logs it once, keeps delivering, and writes again once there is room', async ({ skip }) => {
    app = await createE2eApp(['provider-loopback', 'store-sqlite'], appConfig);
    const state = join(app.root, '.xport');
    mkdirSync(state);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', state], { stdio: 'pipe' });
    } catch (error) {
      // Never a silent pass: the run shows this test as skipped, with the reason.
      return skip(`cannot mount a tmpfs for .xport here (needs root or CAP_SYS_ADMIN): ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`);
    }
    const root = app.root;
    undo.push(() => execFileSync('umount', [state], { stdio: 'pipe' }));
    daemon = startDaemon(root, 'info');
    const d = daemon;
    await until('loopback online in daemon.json', () => daemonSays(root, 'loopback'), WAIT_MS, () => d.tail());
    // The tmpfs root starts 1777; the daemon made it owner-only, and its file too.
    expect(mode(state)).toBe('700');
    expect(mode(join(state, 'daemon.json'))).toBe('600');

    const filler = fill(state);
    await republish(d);
    await until('the failure logged', () => d.log().includes(FAILED), WAIT_MS, () => d.tail());
    expect(d.log()).toMatch(/writing \.xport\/daemon\.json failed; retrying every 5 s .*code=ENOSPC/);
    // More failed writes, no more lines: once per episode, not once per try.
    await republish(d);
    await send(root, 'sent while .xport is full');
    await until('the message delivered while .xport is full', async () => (await inboxTexts(root)).includes('sent while .xport is full'), WAIT_MS, () => d.tail());

    execFileSync('rm', [filler]);
    await republish(d);
    await until('the recovery logged', () => d.log().includes(RECOVERED), WAIT_MS, () => d.tail());
    expect(count(d.log(), FAILED)).toBe(1);
    expect(count(d.log(), RECOVERED)).toBe(1);
    expect(Number(/works again failedAttempts=(\d+)/.exec(d.log())?.[1])).toBeGreaterThanOrEqual(2);
    const record = JSON.parse(readFileSync(join(state, 'daemon.json'), 'utf8')) as { pid: number; phase: string };
    expect(record).toMatchObject({ pid: d.pid, phase: 'running' });
    expect(mode(join(state, 'daemon.json'))).toBe('600');
    expect(d.alive).toBe(true);
    await expectCleanStop(d);
  }, 180_000);

  it('on EPERM (an immutable directory, then an immutable file): logs each episode once and recovers without a restart', async ({ skip }) => {
    app = await createE2eApp(['provider-loopback', 'store-sqlite'], appConfig);
    const root = app.root;
    const state = join(root, '.xport');
    daemon = startDaemon(root, 'info');
    const d = daemon;
    await until('loopback online in daemon.json', () => daemonSays(root, 'loopback'), WAIT_MS, () => d.tail());
    try {
      execFileSync('chattr', ['+i', state], { stdio: 'pipe' });
    } catch (error) {
      return skip(`cannot make a file immutable here (chattr +i needs root and a filesystem that supports it): ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`);
    }
    undo.push(() => execFileSync('chattr', ['-i', state], { stdio: 'pipe' }));
    await republish(d);
    await until('the failure logged', () => count(d.log(), FAILED) === 1, WAIT_MS, () => d.tail());
    expect(d.log()).toMatch(/retrying every 5 s .*code=EPERM/);
    await republish(d);
    execFileSync('chattr', ['-i', state], { stdio: 'pipe' });
    await republish(d);
    await until('the recovery logged', () => count(d.log(), RECOVERED) === 1, WAIT_MS, () => d.tail());

    // The file itself immutable: the rename onto it fails.
    const file = join(state, 'daemon.json');
    execFileSync('chattr', ['+i', file], { stdio: 'pipe' });
    undo.push(() => execFileSync('chattr', ['-i', file], { stdio: 'pipe' }));
    await republish(d);
    await until('the second episode logged', () => count(d.log(), FAILED) === 2, WAIT_MS, () => d.tail());
    execFileSync('chattr', ['-i', file], { stdio: 'pipe' });
    await republish(d);
    await until('the second recovery logged', () => count(d.log(), RECOVERED) === 2, WAIT_MS, () => d.tail());
    // No temporary file is left behind by the failed writes.
    expect(execFileSync('ls', ['-A', state], { encoding: 'utf8' }).split('\n').filter((name) => name.includes('.tmp'))).toEqual([]);
    expect(d.alive).toBe(true);
    await expectCleanStop(d);
  }, 180_000);

  it('on a read-only filesystem (EROFS) and with no file descriptor left (EMFILE): one line per episode, then recovery', async ({ skip }) => {
    app = await createE2eApp(['provider-loopback', 'store-sqlite'], appConfig);
    const root = app.root;
    const state = join(root, '.xport');
    mkdirSync(state);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', state], { stdio: 'pipe' });
    } catch (error) {
      return skip(`cannot mount a tmpfs for .xport here (needs root or CAP_SYS_ADMIN): ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`);
    }
    undo.push(() => execFileSync('umount', [state], { stdio: 'pipe' }));
    daemon = startDaemon(root, 'info');
    const d = daemon;
    await until('loopback online in daemon.json', () => daemonSays(root, 'loopback'), WAIT_MS, () => d.tail());

    execFileSync('mount', ['-o', 'remount,ro', state], { stdio: 'pipe' });
    undo.push(() => execFileSync('mount', ['-o', 'remount,rw', state], { stdio: 'pipe' }));
    await republish(d);
    await until('the read-only episode logged', () => count(d.log(), FAILED) === 1, WAIT_MS, () => d.tail());
    expect(d.log()).toMatch(/retrying every 5 s .*code=EROFS/);
    execFileSync('mount', ['-o', 'remount,rw', state], { stdio: 'pipe' });
    await republish(d);
    await until('the recovery logged', () => count(d.log(), RECOVERED) === 1, WAIT_MS, () => d.tail());

    // The daemon keeps the descriptors it has but may open no new one: a new descriptor takes the
    // lowest free number, so the limit goes right there. A descriptor the daemon closes meanwhile
    // (a write of its own finishing) frees a lower number, so the limit follows until a write fails.
    const [soft, hard] = execFileSync('prlimit', ['--pid', String(d.pid), '--nofile', '--output', 'SOFT,HARD', '--noheadings', '--raw'], { encoding: 'utf8' }).trim().split(/\s+/);
    undo.push(() => execFileSync('prlimit', ['--pid', String(d.pid), `--nofile=${soft}:${hard}`], { stdio: 'pipe' }));
    const starve = (): void => {
      const used = new Set(readdirSync(`/proc/${d.pid}/fd`).map(Number));
      let lowestFree = 0;
      while (used.has(lowestFree)) lowestFree += 1;
      execFileSync('prlimit', ['--pid', String(d.pid), `--nofile=${lowestFree}:${hard}`], { stdio: 'pipe' });
    };
    await until(
      'the descriptor episode logged',
      async () => {
        if (count(d.log(), FAILED) < 2) {
          starve();
          await republish(d);
        }
        return count(d.log(), FAILED) === 2;
      },
      WAIT_MS,
      () => d.tail(),
    );
    expect(d.log()).toMatch(/retrying every 5 s .*code=EMFILE/);
    execFileSync('prlimit', ['--pid', String(d.pid), `--nofile=${soft}:${hard}`], { stdio: 'pipe' });
    await republish(d);
    await until('the second recovery logged', () => count(d.log(), RECOVERED) === 2, WAIT_MS, () => d.tail());
    expect(d.alive).toBe(true);
    await expectCleanStop(d);
  }, 180_000);
});
