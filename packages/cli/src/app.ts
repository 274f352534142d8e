import { resolve } from 'node:path';
import { createKernel, type Kernel, type KernelOptions } from '@xport/core';
import type { Logger } from '@xport/provider-sdk';
import type { CliIO } from './output.js';
import { toCliConfig } from './default-store.js';
import { ensureStateDir } from './state-dir.js';

/** Global options every command accepts. */
export interface GlobalOptions {
  readonly root?: string;
}

export function appRoot(io: CliIO, options: GlobalOptions): string {
  return resolve(io.cwd, options.root ?? '.');
}

/**
 * A kernel for the application at `root`. When xport.config.json names no store, the CLI runs the
 * embedded default, the store-sqlite provider (`.xport/store.db` unless `providers.store-sqlite.config`
 * says otherwise): see `toCliConfig`.
 */
export function openKernel(root: string, io: CliIO, extra: Partial<KernelOptions> = {}): Kernel {
  const config = toCliConfig(root);
  if (config !== undefined) {
    try {
      // The embedded store lives in .xport: made owner-only before SQLite would create it world-readable.
      ensureStateDir(root);
    } catch {
      // Opening the store reports a directory it cannot use, with the store's own code.
    }
  }
  // One-shot commands log warnings and errors only; the daemon passes its own logger.
  return createKernel({ root, env: io.env, logger: createConsoleLogger(io, 'warn'), ...(config ? { config } : {}), ...extra });
}

/** A logger that writes human-readable lines (for the daemon's terminal). */
export function createConsoleLogger(io: CliIO, level: 'debug' | 'info' | 'warn' | 'error' | 'silent', bindings: Record<string, unknown> = {}): Logger {
  const order = ['debug', 'info', 'warn', 'error'];
  const min = level === 'silent' ? Infinity : order.indexOf(level);
  const write = (lvl: string) => (message: string, fields?: Readonly<Record<string, unknown>>) => {
    if (order.indexOf(lvl) < min) return;
    const all = { ...bindings, ...fields };
    const tail = Object.entries(all)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    io.stderr(`${new Date().toISOString()} ${lvl.toUpperCase().padEnd(5)} ${message}${tail ? ` ${tail}` : ''}\n`);
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => createConsoleLogger(io, level, { ...bindings, ...more }),
  };
}
