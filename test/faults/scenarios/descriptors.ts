import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { MessageStore } from '@xport/provider-sdk';
import { nodemailer } from '../../e2e/smtp-sink.js';
import { createE2eApp, daemonSays, killDaemon, openObserver, printFigures, startDaemon, until, type Daemon, type E2eApp } from '../support/harness.js';
import { freePort } from '../support/smtp-sink.js';

export interface DescriptorsOptions {
  /** The daemon's open-file limit while it is flooded (`ulimit -n`). */
  readonly openFileLimit: number;
  readonly maxConnections: number;
  readonly maxConnectionsPerClient: number;
  /** Client addresses (127.0.0.1, 127.0.0.2, …) and idle connections each opens: together more than the descriptors. */
  readonly clients: number;
  readonly connectionsPerClient: number;
  /** Times the second process is left without descriptors, and connection attempts during each. */
  readonly exhaustionEpisodes: number;
  readonly knocksPerEpisode: number;
  readonly timeLimitMs: number;
}

export interface FloodFigures {
  readonly openFileLimit: number;
  readonly attempted: number;
  readonly admitted: number;
  readonly refusedTotal: number;
  readonly refusedPerClient: number;
  /** Replies that were neither a 220 greeting nor one of the two 421 4.7.0 refusals (must be 0). */
  readonly otherReplies: number;
  readonly mailWhileFull: string;
  readonly daemonAlive: boolean;
  /** The daemon wrote its daemon.json heartbeat after the flood (it needs a free descriptor to do so). */
  readonly heartbeatAfterFlood: boolean;
  readonly limitEpisodeLogLines: number;
  readonly clientEpisodeLogLines: number;
  readonly clientsLoggedTwice: number;
  readonly mailAcceptedAfter: boolean;
}

export interface ExhaustionFigures {
  readonly episodes: number;
  readonly knocks: number;
  readonly refused: number;
  readonly otherOutcomes: string[];
  readonly pauseLogLines: number;
  readonly resumeLogLines: number;
  readonly pausedMs: number[];
  /** CPU the process used while out of descriptors and knocked at, in ms per second (undefined without /proc). */
  readonly cpuMsPerSecondWhileExhausted: number | undefined;
  readonly mailAcceptedAfterEach: number;
  readonly exitCode: number | null;
}

export interface DescriptorsFigures {
  readonly flood: FloodFigures;
  readonly exhaustion: ExhaustionFigures;
  readonly acceptedMessages: number;
  readonly storedMessages: number;
  readonly lost: number;
  readonly seconds: number;
}

const HOST = fileURLToPath(new URL('./descriptors-host.mjs', import.meta.url));
const TOTAL_REFUSAL = '421 4.7.0 Too many connections, try again later';
const CLIENT_REFUSAL = '421 4.7.0 Too many connections from your address, try again later';
const PAUSED = 'smtp listener out of file descriptors; not accepting connections until some are free';
const RESUMED = 'smtp listener accepting connections again';

export const hasPrlimit = process.platform === 'linux' && spawnSync('prlimit', ['--version'], { stdio: 'ignore' }).status === 0;

function setOpenFileLimit(pid: number, soft: number | string): void {
  const run = spawnSync('prlimit', ['--pid', String(pid), `--nofile=${soft}:`], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`prlimit --pid ${pid} --nofile=${soft}: failed: ${run.stderr}`);
}

function readOpenFileLimit(pid: number): string {
  return spawnSync('prlimit', ['--pid', String(pid), '--nofile', '--raw', '--noheadings', '--output=SOFT'], { encoding: 'utf8' }).stdout.trim();
}

/** Raises this process's own open-file limit (up to its hard limit) so it can hold `needed` client sockets. */
function ensureOwnDescriptors(needed: number): void {
  const [soft, hard] = spawnSync('prlimit', ['--pid', String(process.pid), '--nofile', '--raw', '--noheadings', '--output=SOFT,HARD'], { encoding: 'utf8' })
    .stdout.trim()
    .split(/\s+/)
    .map((v) => (v === 'unlimited' ? Infinity : Number(v)));
  if ((soft ?? 0) >= needed) return;
  if ((hard ?? 0) < needed) throw new Error(`the descriptors scenario opens ${needed} sockets, but this process may open at most ${hard} files (raise the hard limit: ulimit -Hn)`);
  setOpenFileLimit(process.pid, needed);
}

function cpuMs(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in clock ticks of 10 ms
  } catch {
    return undefined;
  }
}

/** An idle connection from `localAddress` and the first line the server sent ('closed', 'error CODE' when none). */
function openIdle(port: number, localAddress: string): Promise<{ socket: Socket; first: string }> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    let buffer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const end = buffer.indexOf('\r\n');
      if (end >= 0) resolve({ socket, first: buffer.slice(0, end) });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve({ socket, first: `error ${error.code}` }));
    socket.on('close', () => resolve({ socket, first: buffer || 'closed' }));
  });
}

/** What one connection attempt meets: 'refused' when nothing listens, else the first line or how it ended. */
async function knock(port: number): Promise<string> {
  const { socket, first } = await openIdle(port, '127.0.0.1');
  socket.destroy();
  return first === 'error ECONNREFUSED' ? 'refused' : first;
}

async function sendMail(port: number, subject: string): Promise<string> {
  const client = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, logger: false });
  try {
    const info = await client.sendMail({ from: 'grace@sender.test', to: 'ada@example.org', subject, text: subject });
    return info.response;
  } catch (error) {
    return (error as { response?: string }).response ?? String(error);
  } finally {
    client.close();
  }
}

function heartbeatAt(root: string): number {
  try {
    return (JSON.parse(readFileSync(join(root, '.xport', 'daemon.json'), 'utf8')) as { updatedAt: number }).updatedAt;
  } catch {
    return 0;
  }
}

const count = (log: string, text: string): number => log.split('\n').filter((line) => line.includes(text)).length;

/** Phase 1: the real daemon, its descriptors limited, flooded with idle connections from several addresses. */
async function floodDaemon(app: E2eApp, port: number, options: DescriptorsOptions, accepted: string[], remaining: () => number): Promise<FloodFigures> {
  const daemon: Daemon = startDaemon(app.root, 'info');
  const sockets: Socket[] = [];
  try {
    await until('the daemon to bring smtp online', () => !daemon.alive || daemonSays(app.root, 'smtp'), remaining(), () => daemon.tail(10));
    if (!daemon.alive) throw new Error(`the daemon exited at start:\n${daemon.tail()}`);
    setOpenFileLimit(daemon.pid, options.openFileLimit);

    const firsts: string[] = [];
    // The first client alone, so it meets its own limit before the total one.
    for (let i = 0; i < options.connectionsPerClient; i += 1) {
      const { socket, first } = await openIdle(port, '127.0.0.1');
      sockets.push(socket);
      firsts.push(first);
    }
    const others = Array.from({ length: options.clients - 1 }, (_, c) => `127.0.0.${c + 2}`).flatMap((address) => Array.from({ length: options.connectionsPerClient }, () => address));
    for (const { socket, first } of await Promise.all(others.map((address) => openIdle(port, address)))) {
      sockets.push(socket);
      firsts.push(first);
    }
    const floodDone = Date.now();
    const mailWhileFull = await sendMail(port, 'while full');
    // Let the daemon prove it still has a descriptor to spare: its next heartbeat write.
    await until('a daemon.json heartbeat after the flood', () => !daemon.alive || heartbeatAt(app.root) > floodDone, remaining(), () => daemon.tail(10));
    const daemonAlive = daemon.alive;
    const heartbeatAfterFlood = heartbeatAt(app.root) > floodDone;

    for (const socket of sockets) socket.destroy();
    let mailAcceptedAfter = false;
    if (daemonAlive) {
      await until('the listener to have room again', () => daemon.log().includes('smtp listener below its connection limit again'), remaining(), () => daemon.tail(10));
      const reply = await sendMail(port, 'after the flood');
      mailAcceptedAfter = reply.startsWith('250');
      if (mailAcceptedAfter) accepted.push('after the flood');
    }
    const log = daemon.log();
    const clientLines = log.split('\n').filter((line) => line.includes('smtp client at its connection limit'));
    const clientsLogged = clientLines.map((line) => /client=(\S+)/.exec(line)?.[1]);
    return {
      openFileLimit: options.openFileLimit,
      attempted: firsts.length,
      admitted: firsts.filter((f) => f.startsWith('220 ')).length,
      refusedTotal: firsts.filter((f) => f === TOTAL_REFUSAL).length,
      refusedPerClient: firsts.filter((f) => f === CLIENT_REFUSAL).length,
      otherReplies: firsts.filter((f) => !f.startsWith('220 ') && f !== TOTAL_REFUSAL && f !== CLIENT_REFUSAL).length,
      mailWhileFull: mailWhileFull.slice(0, 80),
      daemonAlive,
      heartbeatAfterFlood,
      limitEpisodeLogLines: count(log, 'smtp listener at its connection limit'),
      clientEpisodeLogLines: clientLines.length,
      clientsLoggedTwice: clientsLogged.length - new Set(clientsLogged).size,
      mailAcceptedAfter,
    };
  } finally {
    for (const socket of sockets) socket.destroy();
    await killDaemon(daemon, 'SIGTERM');
  }
}

interface HostLine {
  readonly event?: string;
  readonly message?: string;
  readonly fields?: Record<string, unknown>;
}

/** Phase 2: a kernel process left without any descriptor (its limit lowered below what it holds), then given them back. */
async function exhaustKernel(app: E2eApp, port: number, options: DescriptorsOptions, accepted: string[], remaining: () => number): Promise<ExhaustionFigures> {
  const child: ChildProcess = spawn(process.execPath, [HOST, app.root], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines: HostLine[] = [];
  createInterface({ input: child.stdout! }).on('line', (text) => lines.push(JSON.parse(text) as HostLine));
  const describe = () => ({ exitCode: child.exitCode, stderr: stderr.slice(-2000), last: lines.slice(-5) });
  const waitFor = (what: string, predicate: (line: HostLine) => boolean, after = 0) =>
    until(what, () => child.exitCode !== null || lines.slice(after).some(predicate), remaining(), describe).then(() => {
      if (child.exitCode !== null) throw new Error(`the kernel process exited while waiting for ${what}: ${JSON.stringify(describe())}`);
    });
  try {
    await waitFor('the kernel process to start', (l) => l.event === 'ready');
    const normal = readOpenFileLimit(child.pid!);
    const outcomes: string[] = [];
    let cpuTotal: number | undefined = 0;
    let exhaustedMs = 0;
    let mailAcceptedAfterEach = 0;
    for (let episode = 0; episode < options.exhaustionEpisodes; episode += 1) {
      const mark = lines.length;
      setOpenFileLimit(child.pid!, 3); // below every descriptor it holds: no open() or accept() can succeed
      await waitFor(`episode ${episode + 1}: the listener to stop accepting`, (l) => l.message === PAUSED, mark);
      const cpuBefore = cpuMs(child.pid!);
      const started = Date.now();
      for (let i = 0; i < options.knocksPerEpisode; i += 1) outcomes.push(await knock(port));
      const cpuAfter = cpuMs(child.pid!);
      exhaustedMs += Date.now() - started;
      cpuTotal = cpuBefore === undefined || cpuAfter === undefined || cpuTotal === undefined ? undefined : cpuTotal + cpuAfter - cpuBefore;
      setOpenFileLimit(child.pid!, normal);
      await waitFor(`episode ${episode + 1}: the listener to accept again`, (l) => l.message === RESUMED, mark);
      const subject = `after exhaustion ${episode + 1}`;
      if ((await sendMail(port, subject)).startsWith('250')) {
        mailAcceptedAfterEach += 1;
        accepted.push(subject);
      }
    }
    child.kill('SIGTERM');
    const exitCode = await exited;
    return {
      episodes: options.exhaustionEpisodes,
      knocks: outcomes.length,
      refused: outcomes.filter((o) => o === 'refused').length,
      otherOutcomes: [...new Set(outcomes.filter((o) => o !== 'refused'))],
      pauseLogLines: lines.filter((l) => l.message === PAUSED).length,
      resumeLogLines: lines.filter((l) => l.message === RESUMED).length,
      pausedMs: lines.filter((l) => l.message === RESUMED).map((l) => Number(l.fields?.pausedMs)),
      cpuMsPerSecondWhileExhausted: cpuTotal === undefined || exhaustedMs === 0 ? undefined : Math.round((cpuTotal / exhaustedMs) * 1000),
      mailAcceptedAfterEach,
      exitCode,
    };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/**
 * Scenario `descriptors`: strangers try to kill the daemon through its SMTP listener. First the
 * real daemon, its open-file limit lowered to `openFileLimit`, is flooded with more idle
 * connections than it has descriptors, from several client addresses: the listener must refuse
 * what is over its limits with 421 4.7.0 and the daemon must live on (and still write its
 * heartbeat). Then a kernel process is left with no descriptor at all, several times: the
 * listener must stop accepting (connection refused), log each episode once, and take mail again
 * once descriptors are back. Every message answered 250 must be in the store at the end.
 */
export async function runDescriptorsScenario(options: DescriptorsOptions): Promise<DescriptorsFigures> {
  if (!hasPrlimit) throw new Error('the descriptors scenario needs prlimit(1) from util-linux on Linux, to change the open-file limit of a running process');
  // The flood's sockets live in this process too, besides what vitest holds.
  ensureOwnDescriptors(options.clients * options.connectionsPerClient + 512);
  const started = Date.now();
  const remaining = () => Math.max(1000, started + options.timeLimitMs - Date.now());
  let app: E2eApp | undefined;
  let observer: MessageStore | undefined;
  try {
    const port = await freePort();
    app = await createE2eApp(['provider-smtp', 'store-sqlite'], {
      store: { provider: 'store-sqlite' },
      transportOrder: ['smtp'],
      providers: {
        smtp: {
          config: {
            listen: { enabled: true, port, domains: ['example.org'], maxConnections: options.maxConnections, maxConnectionsPerClient: options.maxConnectionsPerClient },
          },
        },
      },
    });
    const accepted: string[] = [];
    const flood = await floodDaemon(app, port, options, accepted, remaining);
    const exhaustion = await exhaustKernel(app, port, options, accepted, remaining).catch((error: Error) => {
      // The first phase's figures still tell what happened there.
      throw new Error(`${error.message}\nflood figures: ${JSON.stringify(flood)}`, { cause: error });
    });
    observer = await openObserver(app.root);
    const inbox = await observer.listInbox('smtp:ada@example.org');
    const stored = new Set(inbox.map((entry) => entry.envelope.subject));
    const figures: DescriptorsFigures = {
      flood,
      exhaustion,
      acceptedMessages: accepted.length,
      storedMessages: inbox.length,
      lost: accepted.filter((subject) => !stored.has(subject)).length,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
    printFigures('descriptors', { ...figures });
    return figures;
  } finally {
    await observer?.close();
    await app?.cleanup();
  }
}
