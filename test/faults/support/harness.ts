import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MessageStore, QueueCounts } from '@xport/provider-sdk';
import { createSqliteStore } from '@xport/store-sqlite';
import { createE2eApp, PACKAGES, REPO, type E2eApp } from '../../e2e/test-app.js';
import { recordOutput } from '../../support/output-recorder.js';

export { createE2eApp, PACKAGES, REPO, type E2eApp };

export const BIN = join(PACKAGES, 'cli', 'dist', 'bin.js');
export const FIXTURES = join(REPO, 'test', 'faults', 'fixtures');

/** Prints one scenario's figures as a single greppable line (docs/reliability.md quotes them). */
export function printFigures(scenario: string, figures: Record<string, unknown>): void {
  const line = Object.entries(figures)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  process.stdout.write(`[faults:${scenario}] ${line}\n`);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `predicate` holds; throws (naming what it waited for and the last state) instead of hanging. */
export async function until(what: string, predicate: () => boolean | Promise<boolean>, limitMs: number, describe?: () => unknown, pollMs = 50): Promise<void> {
  const started = Date.now();
  while (!(await predicate())) {
    if (Date.now() - started > limitMs) {
      const state = describe ? ` (last state: ${JSON.stringify(await describe())})` : '';
      throw new Error(`timed out after ${limitMs} ms waiting for ${what}${state}`);
    }
    await sleep(pollMs);
  }
}

export interface Daemon {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly alive: boolean;
  /** The last lines of its log (for failure messages). */
  tail(lines?: number): string;
  /** Its whole log. */
  log(): string;
}

/** Runs `xport start` for an application root as a child process (the real daemon). */
export function startDaemon(root: string, logLevel: 'debug' | 'info' | 'warn' = 'warn'): Daemon {
  const child = spawn(process.execPath, [BIN, '--root', root, 'start', '--log-level', logLevel], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer): void => {
    const text = chunk.toString();
    // The suite-wide leak check (test/support/leak-check.setup.ts) scans child output too.
    recordOutput('xport daemon', text);
    log += text;
    // Only the tail matters for diagnosis; a long run must not grow the test process without bound.
    if (log.length > 4_000_000) log = log.slice(-2_000_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exitedFlag = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      exitedFlag = true;
      resolve({ code, signal });
    }),
  );
  return {
    child,
    pid: child.pid!,
    exited,
    get alive() {
      return !exitedFlag;
    },
    tail: (lines = 30) => log.split('\n').slice(-lines).join('\n'),
    log: () => log,
  };
}

/** True once the daemon published (in `.xport/daemon.json`) that provider `id` is online. */
export function daemonSays(root: string, id: string, state = 'online'): boolean {
  try {
    const record = JSON.parse(readFileSync(join(root, '.xport', 'daemon.json'), 'utf8')) as { providers: Array<{ id: string; state: string }> };
    return record.providers.some((p) => p.id === id && p.state === state);
  } catch {
    return false;
  }
}

/** SIGKILLs a daemon (no chance to release anything) and waits for it to be gone. */
export async function killDaemon(daemon: Daemon, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (daemon.alive) daemon.child.kill(signal);
  await daemon.exited;
}

function procStatus(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Peak resident set size of a live process in bytes (Linux `VmHWM`), or undefined where /proc is missing. */
export const peakRss = (pid: number): number | undefined => procStatus(pid, 'VmHWM');

/** Current resident set size of a live process in bytes (Linux `VmRSS`). */
export const currentRss = (pid: number): number | undefined => procStatus(pid, 'VmRSS');

/** A second connection to the daemon's SQLite store, for reading its state from the test. */
export async function openObserver(root: string): Promise<MessageStore> {
  const store = createSqliteStore({ path: join(root, '.xport', 'store.db'), workPollMs: 0 });
  await store.open();
  return store;
}

export function finalCount(counts: QueueCounts): number {
  const s = counts.byState;
  return (s.delivered ?? 0) + (s.failed ?? 0) + (s.expired ?? 0);
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const mib = (bytes: number | undefined): string => (bytes === undefined ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(1)}MiB`);

/** Submits `count` messages with at most `parallel` submits in flight; returns each one's latency (ms). */
export async function submitMany(count: number, parallel: number, submitOne: (n: number) => Promise<unknown>): Promise<number[]> {
  const latencies: number[] = new Array<number>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const n = next++;
      const t = performance.now();
      await submitOne(n);
      latencies[n] = performance.now() - t;
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return latencies;
}
