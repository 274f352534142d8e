import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';

// The listener in a process of its own whose open-file limit the test lowers from outside
// (prlimit(1), util-linux): every open() and accept() in it then fails with EMFILE, as when a
// flood or a leak elsewhere in the daemon used up its descriptors.
const HOST = fileURLToPath(new URL('./fixtures/listener-host.mjs', import.meta.url));
const hasPrlimit = process.platform === 'linux' && spawnSync('prlimit', ['--version'], { stdio: 'ignore' }).status === 0;

interface Line {
  readonly event?: string;
  readonly message?: string;
  readonly port?: number;
  readonly fields?: Record<string, unknown>;
}

let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
});

/** The host's lines so far, and `next(predicate)`: the first line (already printed or still to come) that matches. */
function startHost(): { lines: Line[]; next(predicate: (line: Line) => boolean): Promise<Line> } {
  child = spawn(process.execPath, [HOST], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: Line[] = [];
  const waiters: Array<{ predicate: (line: Line) => boolean; resolve: (line: Line) => void; reject: (error: Error) => void }> = [];
  child.once('exit', (code, signal) => {
    for (const waiter of waiters.splice(0)) waiter.reject(new Error(`the listener host exited (${code ?? signal}); its lines: ${JSON.stringify(lines)}`));
  });
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const line = JSON.parse(text) as Line;
    lines.push(line);
    for (const waiter of waiters.filter((w) => w.predicate(line))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  return {
    lines,
    next: (predicate) => {
      const seen = lines.find(predicate);
      return seen ? Promise.resolve(seen) : new Promise((resolve, reject) => waiters.push({ predicate, resolve, reject }));
    },
  };
}

function setOpenFileLimit(pid: number, soft: string): void {
  const run = spawnSync('prlimit', ['--pid', String(pid), `--nofile=${soft}:`], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`prlimit failed: ${run.stderr}`);
}

function openFileLimit(pid: number): string {
  return spawnSync('prlimit', ['--pid', String(pid), '--nofile', '--raw', '--noheadings', '--output=SOFT'], { encoding: 'utf8' }).stdout.trim();
}

/** What a TCP client gets: 'refused' (nothing listens), or the first bytes the server sent (or '' when it closed without a word). */
function knock(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString();
      socket.destroy();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' ? 'refused' : received));
    socket.on('close', () => resolve(received));
  });
}

describe('listener under descriptor exhaustion', () => {
  it.skipIf(!hasPrlimit)('stops accepting while the process has no descriptors, logs the episode once, and serves mail again after', async () => {
    const host = startHost();
    const port = (await host.next((l) => l.event === 'ready')).port!;
    const pid = child!.pid!;
    const normal = openFileLimit(pid);

    setOpenFileLimit(pid, '3'); // below every descriptor the process holds: nothing more can be opened
    const paused = await host.next((l) => l.message === 'smtp listener out of file descriptors; not accepting connections until some are free');
    expect(paused.fields).toMatchObject({ code: 'EMFILE', port });
    const knocks = [];
    for (let i = 0; i < 5; i += 1) knocks.push(await knock(port));
    expect(knocks).toEqual(['refused', 'refused', 'refused', 'refused', 'refused']);

    setOpenFileLimit(pid, normal);
    await host.next((l) => l.message === 'smtp listener accepting connections again');
    const client = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, logger: false });
    const info = await client.sendMail({ from: 'grace@sender.test', to: 'ada@example.org', subject: 'after the episode', text: 'x' });
    expect(info.response).toMatch(/^250 /);
    await host.next((l) => l.event === 'delivered' && (l as { subject?: string }).subject === 'after the episode');

    // Once per episode, however many clients knocked meanwhile.
    expect(host.lines.filter((l) => l.message?.startsWith('smtp listener out of file descriptors'))).toHaveLength(1);
    expect(host.lines.filter((l) => l.message === 'smtp listener accepting connections again')).toHaveLength(1);
    expect(host.lines.filter((l) => l.message === 'smtp listener error')).toEqual([]);
  });
});
