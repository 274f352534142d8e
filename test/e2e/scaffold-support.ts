import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CliIO } from '@xport/cli';
import { PACKAGES, REPO } from './test-app.js';

const run = promisify(execFile);

/** A CLI IO that keeps what the command wrote. */
export function captureIO(cwd: string): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: (s) => void (out += s), stderr: (s) => void (err += s), cwd, env: {}, interactive: false, out: () => out, err: () => err };
}

/** Everything a scaffolded package depends on, linked to this repository: pnpm installs it offline. */
export const LOCAL_DEPENDENCIES: Readonly<Record<string, string>> = {
  '@xport/provider-sdk': join(PACKAGES, 'provider-sdk'),
  '@xport/core': join(PACKAGES, 'core'),
  '@xport/store-memory': join(PACKAGES, 'store-memory'),
  typescript: join(REPO, 'node_modules', 'typescript'),
  vitest: join(REPO, 'node_modules', 'vitest'),
  '@types/node': join(REPO, 'node_modules', '@types', 'node'),
  tsyringe: join(PACKAGES, 'core', 'node_modules', 'tsyringe'),
  'reflect-metadata': join(PACKAGES, 'core', 'node_modules', 'reflect-metadata'),
};

/** `--dependency` arguments that link every dependency to this repository. */
export const LINKED_DEPENDENCY_ARGS: readonly string[] = Object.entries(LOCAL_DEPENDENCIES).map(([name, path]) => `${name}=link:${path}`);

/** Runs a package script with pnpm in `directory`, offline (everything it depends on is linked). */
export function runInPackage(directory: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string }> {
  // CI=true makes pnpm default to a frozen lockfile; a new package has none yet.
  return run('pnpm', [...args], { cwd: directory, env: { ...process.env, CI: 'true', npm_config_offline: 'true', ...env }, timeout: 180_000 });
}

/** Installs a new package's linked dependencies (no lockfile yet). */
export function installOffline(directory: string): Promise<unknown> {
  return runInPackage(directory, ['install', '--offline', '--no-frozen-lockfile']);
}
