import { spawn, type ChildProcess } from 'node:child_process';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createE2eApp, PACKAGES, type E2eApp } from './test-app.js';

export { TEST_PG_URL, adminQuery, dropSchema, freshSchema } from '../../packages/store-postgres/test/test-database.js';

const BIN = join(PACKAGES, 'cli', 'dist', 'bin.js');

/** One `xport start` child process on an application of its own, with its log parsed as it comes. */
export interface DaemonProcess {
  readonly name: string;
  readonly app: E2eApp;
  readonly child: ChildProcess;
  /** Message ids from its `delivered message=<id>` lines, in order (one per recipient delivered). */
  readonly delivered: string[];
  readonly log: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once the daemon has started its kernel (it published `.xport/daemon.json`). */
  running(): Promise<void>;
}

/**
 * An application whose store is the PostgreSQL one (schema in config) and whose transport is loopback.
 * The store's connect and query timeouts are safety nets: the outages these tests cause are terminated
 * backends and refused connections, which fail at once; a loaded database only connects slowly.
 */
export function createPostgresApp(options: {
  readonly schema: string;
  readonly applicationName: string;
  readonly latencyMs: number;
  readonly concurrency: number;
  readonly spooler?: Record<string, unknown>;
}): Promise<E2eApp> {
  return createE2eApp(['provider-loopback', 'store-postgres'], {
    store: { provider: 'store-postgres' },
    transportOrder: ['loopback'],
    providers: {
      'store-postgres': { config: { schema: options.schema, poolSize: 4, applicationName: options.applicationName, connectionTimeoutMs: 15_000, queryTimeoutMs: 15_000 } },
      loopback: { config: { latencyMs: options.latencyMs }, limits: { concurrency: options.concurrency } },
    },
    spooler: { pollMs: 200, batchSize: options.concurrency, ...options.spooler },
  });
}

export function startDaemon(name: string, app: E2eApp, connectionString: string): DaemonProcess {
  const child = spawn(process.execPath, [BIN, '--root', app.root, 'start'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, XPORT_STORE_POSTGRES__CONNECTION_STRING: connectionString },
  });
  const delivered: string[] = [];
  let log = '';
  createInterface({ input: child.stderr! }).on('line', (line) => {
    const match = / delivered message=(\S+)/.exec(line);
    if (match) delivered.push(match[1]!);
    else log += `${line}\n`;
  });
  // 'close', not 'exit': by then its log has been read to the last line (`delivered` is complete).
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return {
    name,
    app,
    child,
    delivered,
    log: () => log,
    exited,
    async running() {
      for (;;) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`daemon ${name} exited before it ran:\n${log}`);
        if (await access(join(app.root, '.xport', 'daemon.json')).then(() => true, () => false)) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

/** Stops a daemon that is still running (SIGTERM) and waits for it. */
export async function stopDaemon(daemon: DaemonProcess): Promise<void> {
  if (daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill('SIGTERM');
  const timer = setTimeout(() => daemon.child.kill('SIGKILL'), 15_000);
  await daemon.exited;
  clearTimeout(timer);
}
