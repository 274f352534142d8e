import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, watch } from 'node:fs';
import { chmod, chown, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locatePostgresBinaries, reachablePostgresBinaries, serverAccount } from './postgres-binaries.mjs';

// The embedded server's promise: nothing of it outlives the run that started it, however that run
// ends. Each run here is a child process (fixtures/hold-embedded-postgres.mjs) with a temp folder of
// its own (TMPDIR), so no other run on this machine sees or cleans up its directory.

// Each test starts one or two servers: initdb alone takes seconds on a busy machine.
const SERVER_TEST_TIMEOUT = 120_000;
const HOLDER = fileURLToPath(new URL('./fixtures/hold-embedded-postgres.mjs', import.meta.url));
const isRoot = process.getuid?.() === 0;
const nobody = isRoot ? serverAccount() : undefined;
// A root run also starts a server as an ordinary user, where that user can read this checkout.
const nobodyCanRead =
  nobody !== undefined && spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(HOLDER)})`], { uid: nobody.uid, gid: nobody.gid }).status === 0;

interface HeldServer {
  readonly url: string;
  readonly dir: string;
  readonly account: string | undefined;
  readonly guardianPid: number;
  readonly notes: string[];
}

interface Holder {
  readonly child: ChildProcess;
  readonly server: HeldServer;
  readonly exited: Promise<number | string | null>;
}

async function holdServer(tmp: string, account?: { uid: number; gid: number }): Promise<Holder> {
  const child = spawn(process.execPath, [HOLDER], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, TMPDIR: tmp }, cwd: tmp, ...account });
  const exited = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  const server = await new Promise<HeldServer>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line) as HeldServer));
    void exited.then((result) => reject(new Error(`the holder exited with ${String(result)} before its server ran`)));
  });
  return { child, server, exited };
}

/** The postmaster's pid, from the first line of its postmaster.pid. */
async function postmasterPid(dir: string): Promise<number> {
  return Number((await readFile(join(dir, 'data', 'postmaster.pid'), 'utf8')).split('\n')[0]);
}

/** State and user of a process, from /proc (Linux); undefined once it is gone. */
async function processStatus(pid: number): Promise<{ state: string; uid: number } | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  if (status === undefined) return undefined;
  return { state: /^State:\s+(\S)/m.exec(status)?.[1] ?? '?', uid: Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]) };
}

/** Whether the process runs (a zombie, dead and not yet reaped, does not). */
async function isRunning(pid: number): Promise<boolean> {
  const status = await processStatus(pid);
  return status !== undefined && status.state !== 'Z';
}

/** Resolves once `path` is gone, on the file system's event rather than by looking again and again. */
function removal(path: string): Promise<void> {
  return new Promise((resolve) => {
    const watcher = watch(dirname(path), (_event, name) => {
      if (name === basename(path) && !existsSync(path)) done();
    });
    const done = () => {
      watcher.close();
      resolve();
    };
    if (!existsSync(path)) done();
  });
}

async function selectOne(url: string, sql: string): Promise<Record<string, unknown>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0] as Record<string, unknown>;
  } finally {
    await client.end();
  }
}

// Linux: /proc tells the state and the user of the server's processes.
describe.runIf(process.platform === 'linux')('an embedded PostgreSQL', () => {
  let tmp: string;
  const holders: Holder[] = [];

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'xport-embedded-pg-test-'));
    // Like /tmp: the server's account (nobody, when root runs the tests) makes its directory here.
    await chmod(tmp, 0o1777);
  });

  afterAll(async () => {
    for (const { child } of holders) child.kill('SIGKILL');
    await rm(tmp, { recursive: true, force: true });
  });

  it('serves the test database until its run is SIGKILLed, then stops and removes its directory', async () => {
    const holder = await holdServer(tmp);
    holders.push(holder);
    const { server } = holder;
    expect(dirname(server.dir)).toBe(tmp);
    expect(await selectOne(server.url, 'SELECT current_database() AS db')).toEqual({ db: 'test' });
    const pid = await postmasterPid(server.dir);
    // PostgreSQL refuses root: a root run's server runs as nobody.
    expect((await processStatus(pid))?.uid).toBe(isRoot ? nobody?.uid : process.getuid?.());
    expect(server.account).toBe(nobody?.name);

    const gone = removal(server.dir);
    holder.child.kill('SIGKILL');
    await holder.exited;
    // The guardian removes the directory after the server has exited.
    await gone;
    expect(await isRunning(pid)).toBe(false);
  }, SERVER_TEST_TIMEOUT);

  it('left running with its directory when the guardian is SIGKILLed too, is removed by the next run', async () => {
    const killed = await holdServer(tmp);
    holders.push(killed);
    const pid = await postmasterPid(killed.server.dir);
    process.kill(killed.server.guardianPid, 'SIGKILL');
    killed.child.kill('SIGKILL');
    await killed.exited;
    // The guardian died first: nothing stopped the server or removed its directory.
    expect(await isRunning(pid)).toBe(true);
    expect(existsSync(killed.server.dir)).toBe(true);

    const next = await holdServer(tmp);
    holders.push(next);
    expect(next.server.notes).toContain(`removed ${killed.server.dir}, left by an embedded PostgreSQL run that was killed`);
    expect(existsSync(killed.server.dir)).toBe(false);
    expect(await isRunning(pid)).toBe(false);
    expect(await selectOne(next.server.url, 'SELECT 1 AS one')).toEqual({ one: 1 });

    // A clean stop: the holder exits once its server is stopped and removed.
    next.child.stdin!.end();
    expect(await next.exited).toBe(0);
    expect(existsSync(next.server.dir)).toBe(false);
  }, SERVER_TEST_TIMEOUT);

  it.runIf(nobodyCanRead)('runs for an ordinary user (a root run tries nobody): as that user, and nothing is left after a clean stop', async () => {
    const holder = await holdServer(tmp, nobody);
    holders.push(holder);
    expect(holder.server.account).toBeUndefined();
    const pid = await postmasterPid(holder.server.dir);
    expect((await processStatus(pid))?.uid).toBe(nobody!.uid);
    expect(await selectOne(holder.server.url, 'SELECT current_user AS name')).toEqual({ name: 'postgres' });

    holder.child.stdin!.end();
    expect(await holder.exited).toBe(0);
    expect(existsSync(holder.server.dir)).toBe(false);
    expect(await isRunning(pid)).toBe(false);
  }, SERVER_TEST_TIMEOUT);

  it.runIf(isRoot)('copies the binaries into the run directory when the server account cannot reach them where they are installed', async () => {
    const installed = locatePostgresBinaries();
    // An install under a folder only root may enter, as a checkout under /root is.
    const privateRoot = await mkdtemp(join(tmp, 'private-'));
    await chmod(privateRoot, 0o700);
    await symlink(installed.native, join(privateRoot, 'native'));
    const bin = join(privateRoot, 'native', 'bin');
    const hidden = { ...installed, native: join(privateRoot, 'native'), postgres: join(bin, 'postgres'), initdb: join(bin, 'initdb') };
    // The run directory belongs to the server's account, as the guardian makes it.
    const runDir = await mkdtemp(join(tmp, 'run-'));
    await chown(runDir, nobody!.uid, nobody!.gid);

    const reachable = await reachablePostgresBinaries(hidden, nobody, runDir);
    expect(reachable).toMatchObject({ copied: true, postgres: join(runDir, 'native', 'bin', 'postgres') });
    const version = spawnSync(reachable.postgres, ['--version'], { uid: nobody!.uid, gid: nobody!.gid, cwd: '/', encoding: 'utf8' });
    expect(version.stdout).toMatch(/^postgres \(PostgreSQL\) \d+/);
    // Binaries the account can run already are used where they are.
    expect(await reachablePostgresBinaries(reachable, nobody, join(tmp, 'never-made'))).toMatchObject({ copied: false, postgres: reachable.postgres });
  }, SERVER_TEST_TIMEOUT);
});
