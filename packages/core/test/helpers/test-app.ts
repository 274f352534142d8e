import { cp, mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@xport/provider-sdk';
import type { Kernel } from '../../src/index.js';
import { recordOutput } from '../../../../test/support/output-recorder.js';

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES = join(here, '..', 'fixtures', 'providers');
const CORE = join(here, '..', '..');
const SDK = join(CORE, '..', 'provider-sdk');
const PACKAGES = join(CORE, '..');

/**
 * Links the workspace packages a fixture names in its dependencies (`"@xport/store-memory":
 * "workspace:*"`) into the fixture's own node_modules, as pnpm would: nested, so discovery (which
 * reads only the application's top-level node_modules) does not see them as providers of the app.
 */
async function linkWorkspaceDependencies(packageDir: string): Promise<void> {
  const pkg = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const [name, spec] of Object.entries(pkg.dependencies ?? {})) {
    if (!spec.startsWith('workspace:') || !name.startsWith('@xport/')) continue;
    await mkdir(join(packageDir, 'node_modules', '@xport'), { recursive: true });
    await symlink(join(PACKAGES, name.slice('@xport/'.length)), join(packageDir, 'node_modules', name), 'dir');
  }
}

/** How a fixture is installed: plain, under a scope, or linked from a workspace folder like pnpm does. */
export interface FixtureInstall {
  readonly fixture: string;
  readonly scope?: string;
  readonly as?: 'copy' | 'workspace-link' | 'explicit-path';
}

export interface TestApp {
  readonly root: string;
  /** Where a fixture ended up (its package directory). */
  dirOf(fixture: string): string;
  cleanup(): Promise<void>;
}

/**
 * Builds a temporary application: fixtures copied into node_modules (or linked, or left outside for
 * discovery.paths), the SDK and tsyringe linked so fixture imports resolve to the same copies the kernel uses.
 */
export async function createTestApp(installs: ReadonlyArray<FixtureInstall | string>, config?: unknown): Promise<TestApp> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'xport-core-')));
  const modules = join(root, 'node_modules');
  await mkdir(join(modules, '@xport'), { recursive: true });
  await symlink(SDK, join(modules, '@xport', 'provider-sdk'), 'dir');
  await symlink(await realpath(join(CORE, 'node_modules', 'tsyringe')), join(modules, 'tsyringe'), 'dir');
  const dirs = new Map<string, string>();
  for (const item of installs) {
    const install: FixtureInstall = typeof item === 'string' ? { fixture: item } : item;
    const source = join(FIXTURES, install.fixture);
    if (install.as === 'explicit-path') {
      const target = join(root, 'providers', install.fixture);
      await cp(source, target, { recursive: true });
      await linkWorkspaceDependencies(target);
      dirs.set(install.fixture, target);
      continue;
    }
    const parent = install.scope ? join(modules, install.scope) : modules;
    await mkdir(parent, { recursive: true });
    const target = join(parent, install.fixture);
    if (install.as === 'workspace-link') {
      const workspace = join(root, 'packages', install.fixture);
      await cp(source, workspace, { recursive: true });
      await linkWorkspaceDependencies(workspace);
      await symlink(workspace, target, 'dir');
      dirs.set(install.fixture, workspace);
    } else {
      await cp(source, target, { recursive: true });
      await linkWorkspaceDependencies(target);
      dirs.set(install.fixture, target);
    }
  }
  if (config !== undefined) await writeFile(join(root, 'xport.config.json'), JSON.stringify(config, null, 2));
  return {
    root,
    dirOf: (fixture) => dirs.get(fixture) ?? join(modules, fixture),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

export interface CapturedLine {
  readonly level: string;
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** A Logger that keeps every line, bindings merged into fields, for assertions; each line also goes to the leak check. */
export function createCaptureLogger(lines: CapturedLine[] = [], bindings: Record<string, unknown> = {}): Logger & { lines: CapturedLine[] } {
  const write = (level: string) => (message: string, fields?: Readonly<Record<string, unknown>>) => {
    const line = { level, message, fields: { ...bindings, ...fields } };
    recordOutput('core test logger', line);
    lines.push(line);
  };
  return {
    lines,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => createCaptureLogger(lines, { ...bindings, ...more }),
  };
}

/** The lifecycle calls fixtures recorded, and a reset between tests. */
export function fixtureLog(): string[] {
  return ((globalThis as Record<string, unknown>).__xportFixtureLog as string[] | undefined) ?? [];
}

export function resetFixtureGlobals(): void {
  const g = globalThis as Record<string, unknown>;
  g.__xportFixtureLog = [];
  g.__xportFixtureServerUp = false;
  g.__xportFixtureSidesThrow = false;
}

/** A scheduler whose timers only fire when the test says so. */
export function createManualScheduler(random = () => 1) {
  const pending: Array<{ run: () => void; delayMs: number; cancelled: boolean }> = [];
  return {
    pending,
    delays: () => pending.map((p) => p.delayMs),
    random,
    schedule(run: () => void, delayMs: number) {
      const timer = { run, delayMs, cancelled: false };
      pending.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
    /** Fires the oldest timer that is still pending; returns its delay. */
    fireNext(): number | undefined {
      const next = pending.find((p) => !p.cancelled);
      if (next === undefined) return undefined;
      next.cancelled = true;
      next.run();
      return next.delayMs;
    },
    active: () => pending.filter((p) => !p.cancelled).length,
  };
}

const SETTLED = new Set(['online', 'offline', 'logon-failed', 'failed', 'stopped']);

/** Resolves with the next settled state a provider reaches (subscribe before triggering the change). */
export function nextSettledState(kernel: { on: Kernel['on'] }, id: string): Promise<string> {
  return new Promise((resolve) => {
    const off = kernel.on('provider-state', (change) => {
      if (change.id === id && SETTLED.has(change.to)) {
        off();
        resolve(change.to);
      }
    });
  });
}
