// @ts-check
// Leftovers of embedded PostgreSQL runs whose guardian died without cleaning up (it was SIGKILLed,
// or the machine went down): their data directory, and the server itself when it still runs.
// Each run directory is named after its guardian's pid, so a directory whose guardian is alive is
// never touched: test runs of other checkouts or users may share the temp folder.
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Every run directory is `<tmpdir>/xport-test-pg-<guardian pid>-<random>`. */
export const RUN_DIR_PREFIX = 'xport-test-pg-';
/** The guardian's script file name, looked for in a live process's command line. */
export const GUARDIAN_SCRIPT = 'embedded-postgres-guardian.mjs';

const RUN_DIR = new RegExp(`^${RUN_DIR_PREFIX}(\\d+)-`);

/**
 * Removes the run directories under `parent` whose guardian is gone, stopping a server left running
 * in one first.
 * @param {string} parent the temp folder the runs were made in
 * @returns {Promise<string[]>} the directories removed
 */
export async function removeStaleRuns(parent) {
  const removed = [];
  for (const entry of await readdir(parent).catch(() => [])) {
    const match = RUN_DIR.exec(entry);
    if (!match || (await isRunning(Number(match[1]), GUARDIAN_SCRIPT))) continue;
    const dir = join(parent, entry);
    try {
      await stopOrphanedServer(dir);
      await rm(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch (error) {
      // Another user's leftovers (EPERM), or another run cleaning the same one: not ours to insist on.
      if (!isPermissionOrGone(error)) throw error;
    }
  }
  return removed;
}

/**
 * The postmaster of a stale run, if it still runs (its guardian was killed, it was not): stopped
 * with SIGQUIT, the immediate shutdown (its data is about to be deleted anyway).
 * @param {string} dir
 */
async function stopOrphanedServer(dir) {
  const dataDir = join(dir, 'data');
  const pidFile = await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number(pidFile.split('\n')[0]);
  // The command line must name this data directory: the pid may have been reused since.
  if (!Number.isInteger(pid) || pid <= 0 || !(await isRunning(pid, dataDir))) return;
  signal(pid, 'SIGQUIT');
  // Not a child of ours, so there is no exit event to wait for: watch the pid go.
  for (let waited = 0; await isAlive(pid); waited += 50) {
    if (waited === 10_000) signal(pid, 'SIGKILL');
    if (waited === 20_000) throw new Error(`the PostgreSQL server ${pid} left running in ${dir} does not stop`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Whether `pid` is alive and, where /proc tells (Linux), its command line contains `mark`.
 * @param {number} pid
 * @param {string} mark
 */
async function isRunning(pid, mark) {
  if (!(await isAlive(pid))) return false;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  return cmdline === undefined || cmdline.replaceAll('\0', ' ').includes(mark);
}

/**
 * Whether `pid` runs. A zombie does not: an orphan's exit status waits for a reaper that, as PID 1
 * of a container or VM, may never come.
 * @param {number} pid
 */
async function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists, as another user's process.
    if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EPERM') return false;
  }
  // "<pid> (<command>) <state> ..."; without /proc (not Linux) the kill above is all there is to know.
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const state = stat.slice(stat.lastIndexOf(')') + 2).charAt(0);
  return state !== 'Z';
}

/**
 * @param {number} pid
 * @param {NodeJS.Signals} name
 */
function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'ESRCH') throw error;
  }
}

/** @param {unknown} error */
function isPermissionOrGone(error) {
  const code = /** @type {NodeJS.ErrnoException} */ (error).code;
  return code === 'EPERM' || code === 'EACCES' || code === 'ENOENT';
}
