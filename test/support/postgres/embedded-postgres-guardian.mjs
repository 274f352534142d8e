// @ts-check
// The process that owns one embedded PostgreSQL server for the length of a test or benchmark run:
// it makes a throw-away data directory under the OS temp folder, runs initdb and the server on a
// free port, prints one JSON line once the server serves the `test` database, and stops the server
// and deletes the directory when its standard input closes. The run's process holds the other end
// of that pipe, so the cleanup happens however the run ends: teardown, a failure, Ctrl-C, SIGTERM,
// even SIGKILL. The guardian runs in a process group of its own, so a signal to the run's group
// does not cut the cleanup short. Leftovers of a guardian that was itself killed are removed by
// the next one (stale-runs.mjs).
import { spawn } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { locatePostgresBinaries, reachablePostgresBinaries, serverAccount } from './postgres-binaries.mjs';
import { RUN_DIR_PREFIX, removeStaleRuns } from './stale-runs.mjs';

/** The database the tests use, as on the default server. */
const DATABASE = 'test';
const PORT_ATTEMPTS = 5;

/** @type {Set<{ child: import('node:child_process').ChildProcess, stopSignal: NodeJS.Signals, exited: Promise<unknown> }>} */
const running = new Set();
const stopChildren = () => {
  for (const { child, stopSignal } of running) child.kill(stopSignal);
};
/** Set once the run asked us to stop (or a signal did): what fails after that is no failure. */
let stopAsked = false;
/** @type {() => void} */
let requestStop = () => undefined;
const stopRequested = new Promise((resolve) => {
  requestStop = () => {
    stopAsked = true;
    resolve(undefined);
    stopChildren();
  };
});

const report = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);
// The run that started us may be gone; writing to its pipes must not kill the cleanup.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);
process.stdin.on('end', () => requestStop());
process.stdin.on('error', () => requestStop());
process.stdin.resume();
for (const name of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) process.on(name, () => requestStop());

/**
 * Runs a program to its end, as `account`; rejects with its output when it fails.
 * @param {string} file
 * @param {string[]} args
 * @param {{ cwd: string, account: import('./postgres-binaries.mjs').ServerAccount | undefined }} options
 */
async function runToEnd(file, args, { cwd, account }) {
  const child = spawn(file, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], ...(account && { uid: account.uid, gid: account.gid }) });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve(code ?? signal)));
  const entry = { child, stopSignal: /** @type {NodeJS.Signals} */ ('SIGTERM'), exited };
  running.add(entry);
  const result = await exited;
  running.delete(entry);
  if (result !== 0) throw new Error(`${file} ${args.join(' ')} failed (${String(result)}):\n${output}`);
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  await new Promise((resolve) => server.close(resolve));
  return address.port;
}

/**
 * Starts the postmaster and resolves once it accepts connections. TCP on 127.0.0.1 only, no Unix
 * socket (nothing to collide with another server's socket, nothing left in /tmp).
 * @param {string} postgres
 * @param {string} dataDir
 * @param {number} port
 * @param {{ cwd: string, account: import('./postgres-binaries.mjs').ServerAccount | undefined }} options
 */
async function startPostmaster(postgres, dataDir, port, { cwd, account }) {
  const args = ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
  const child = spawn(postgres, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], ...(account && { uid: account.uid, gid: account.gid }) });
  // Its log is read to the end (a full pipe would block the server); the last lines explain a failure.
  const tail = /** @type {string[]} */ ([]);
  const lines = createInterface({ input: child.stderr });
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve(code ?? signal)));
  // SIGQUIT is PostgreSQL's immediate shutdown: no final checkpoint for data about to be deleted.
  const entry = { child, stopSignal: /** @type {NodeJS.Signals} */ ('SIGQUIT'), exited };
  running.add(entry);
  void exited.then(() => running.delete(entry));
  const ready = await new Promise((resolve) => {
    lines.on('line', (line) => {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      if (line.includes('database system is ready to accept connections')) resolve(true);
    });
    void exited.then(() => resolve(false));
  });
  const log = () => tail.join('\n');
  if (!ready) {
    const error = new Error(`postgres on port ${port} exited before it accepted connections:\n${log()}`);
    throw Object.assign(error, { portTaken: /could not bind|already in use/i.test(log()) });
  }
  return { exited, log };
}

/** @param {number} port */
async function createTestDatabase(port) {
  const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${DATABASE}`);
    return /** @type {string} */ ((await client.query('SHOW server_version')).rows[0].server_version);
  } finally {
    await client.end();
  }
}

/** @returns {Promise<number>} the guardian's exit code */
async function serve() {
  const removed = await removeStaleRuns(tmpdir());
  for (const dir of removed) report(`removed ${dir}, left by an embedded PostgreSQL run that was killed`);
  const runDir = await mkdtemp(join(tmpdir(), `${RUN_DIR_PREFIX}${process.pid}-`));
  try {
    const account = serverAccount();
    if (account) await chown(runDir, account.uid, account.gid);
    const binaries = await reachablePostgresBinaries(locatePostgresBinaries(), account, runDir);
    const options = { cwd: runDir, account };
    const dataDir = join(runDir, 'data');
    const started = performance.now();
    // Trust on 127.0.0.1 as on the default test server; --no-sync: the directory is thrown away.
    await runToEnd(binaries.initdb, ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '--no-locale', '-E', 'UTF8'], options);
    const initialised = performance.now();
    for (let attempt = 1; ; attempt += 1) {
      if (stopAsked) return 0;
      // A free port may be taken between our probe and the server's bind: then another one.
      const port = await freePort();
      let server;
      try {
        server = await startPostmaster(binaries.postgres, dataDir, port, options);
      } catch (error) {
        if (stopAsked || !(/** @type {{ portTaken?: boolean }} */ (error).portTaken) || attempt === PORT_ATTEMPTS) throw error;
        continue;
      }
      const version = await createTestDatabase(port);
      const ready = performance.now();
      const announcement = {
        url: `postgres://postgres@127.0.0.1:${port}/${DATABASE}`,
        version,
        dir: runDir,
        account: account?.name,
        copiedBinaries: binaries.copied,
        initdbMs: Math.round(initialised - started),
        startMs: Math.round(ready - initialised),
      };
      process.stdout.write(`${JSON.stringify(announcement)}\n`);
      const ended = await Promise.race([stopRequested.then(() => undefined), server.exited]);
      if (ended === undefined) return 0;
      report(`the embedded PostgreSQL stopped on its own (${String(ended)}):\n${server.log()}`);
      return 1;
    }
  } finally {
    stopChildren();
    await Promise.all([...running].map((entry) => entry.exited));
    await rm(runDir, { recursive: true, force: true });
  }
}

try {
  process.exit(await serve());
} catch (error) {
  // A failure caused by the stop request itself (initdb killed half-way) is no failure.
  if (!stopAsked) report(error instanceof Error ? error.message : String(error));
  process.exit(stopAsked ? 0 : 1);
}
