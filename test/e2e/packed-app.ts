import { execFile, type ExecFileOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordOutput } from '../support/output-recorder.js';
import { readPackageJson, REPO, type WorkspacePackage } from './package-graph.js';

/**
 * Kept between runs, under the temporary directory and nowhere else: npm's cache (registry tarballs)
 * and the better-sqlite3 binary the first run built. A CI run starts with an empty one.
 */
export const PACKAGING_CACHE = join(tmpdir(), 'xport-packaging-cache');

export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program to its end; never throws for a non-zero exit (the caller says what it expected). */
export function run(file: string, args: readonly string[], options: ExecFileOptions & { readonly cwd: string }): Promise<Ran> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { maxBuffer: 64 * 1024 * 1024, ...options, encoding: 'utf8' }, (error, stdout, stderr) => {
      const out = { stdout: String(stdout), stderr: String(stderr) };
      // The suite-wide leak check scans what child processes print, too.
      recordOutput(`${file} ${args[0] ?? ''}`, out.stdout + out.stderr);
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? (error.code as number) : 0, ...out });
    });
  });
}

/** Why a command failed, with the end of what it printed. */
export function describeRun(what: string, ran: Ran): string {
  const tail = (text: string) => text.split('\n').slice(-40).join('\n');
  return `${what} exited ${ran.code}\n--- stdout\n${tail(ran.stdout)}\n--- stderr\n${tail(ran.stderr)}`;
}

/**
 * The environment of someone who installed the packages: this process's, without what pnpm, vitest
 * and the repository's test set-up put there (NODE_PATH would find the workspace's packages).
 */
export function strangerEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|VITEST|XPORT_)/i.test(key) || ['NODE_PATH', 'NODE_OPTIONS', 'NODE_ENV', 'TEST'].includes(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** `pnpm pack`s each package (workspace: ranges become versions) into `destination`; tarball path by package name. */
export async function packPackages(packages: readonly WorkspacePackage[], destination: string): Promise<Map<string, string>> {
  await mkdir(destination, { recursive: true });
  const tarballs = new Map<string, string>();
  // Four at a time: the machine is shared.
  for (let i = 0; i < packages.length; i += 4) {
    await Promise.all(
      packages.slice(i, i + 4).map(async (p) => {
        const ran = await run('pnpm', ['pack', '--pack-destination', destination], { cwd: p.dir });
        if (ran.code !== 0) throw new Error(describeRun(`pnpm pack in ${p.dir}`, ran));
        const file = `${p.pkg.name.replace(/^@/, '').replace('/', '-')}-${p.pkg.version}.tgz`;
        if (!existsSync(join(destination, file))) throw new Error(`pnpm pack in ${p.dir} made no ${file} (it printed: ${ran.stdout})`);
        tarballs.set(p.pkg.name, join(destination, file));
      }),
    );
  }
  return tarballs;
}

/** The paths inside a tarball (`package/dist/index.js`, …). */
export async function listTarball(tarball: string): Promise<string[]> {
  const ran = await run('tar', ['-tzf', tarball], { cwd: tmpdir() });
  if (ran.code !== 0) throw new Error(describeRun(`tar -tzf ${tarball}`, ran));
  return ran.stdout.split('\n').filter((line) => line !== '');
}

/** The version range the repository itself uses for a development tool, so the application matches it. */
export function workspaceRange(name: string): string {
  const range = readPackageJson(REPO).devDependencies?.[name];
  if (range === undefined) throw new Error(`the repository's package.json has no devDependency ${name}`);
  return range;
}

// prebuild-install (better-sqlite3's install script) looks for `<dir>/<name>-v<version>-node-v<abi>-<platform>-<arch>.tar.gz`
// in this directory before it tries to download one; the first run leaves the binary it built there.
const PREBUILDS = join(PACKAGING_CACHE, 'prebuilds');

function prebuildName(version: string): string {
  return `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
}

async function keepBetterSqliteBuild(app: string): Promise<void> {
  const module = join(app, 'node_modules', 'better-sqlite3');
  if (!existsSync(join(module, 'build', 'Release', 'better_sqlite3.node'))) return;
  const { version } = readPackageJson(module);
  const target = join(PREBUILDS, prebuildName(version));
  if (existsSync(target)) return;
  await mkdir(PREBUILDS, { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  const ran = await run('tar', ['-czf', partial, '-C', module, 'build/Release/better_sqlite3.node'], { cwd: module });
  if (ran.code !== 0) throw new Error(describeRun('tar -czf (keeping the better-sqlite3 build)', ran));
  await rename(partial, target);
}

/**
 * Makes `app` an application that depends on the tarballs (and on `devDependencies` from the
 * registry) and installs it with npm. `overrides` pin every @xport package, also where one depends
 * on another, to its tarball: nothing of the same name can come from the registry. better-sqlite3
 * may run its install script (a source build where no binary can be downloaded).
 */
export async function installFromTarballs(app: string, tarballs: ReadonlyMap<string, string>, devDependencies: Readonly<Record<string, string>>): Promise<void> {
  await mkdir(app, { recursive: true });
  const dependencies = Object.fromEntries([...tarballs].map(([name, tarball]) => [name, `file:${tarball}`]));
  const pkg = {
    name: 'xport-packaging-app',
    version: '1.0.0',
    private: true,
    type: 'module',
    dependencies,
    devDependencies,
    overrides: Object.fromEntries([...tarballs.keys()].map((name) => [name, `$${name}`])),
    // npm's approval of install scripts (npm 11 runs none it was not told to).
    allowScripts: { 'better-sqlite3': true },
  };
  await writeFile(join(app, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  const env = strangerEnv({
    npm_config_cache: join(PACKAGING_CACHE, 'npm'),
    npm_config_better_sqlite3_local_prebuilds: PREBUILDS,
    npm_config_update_notifier: 'false',
  });
  const ran = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--maxsockets=32', '--loglevel=warn'], { cwd: app, env });
  if (ran.code !== 0) throw new Error(describeRun(`npm install in ${app}`, ran));
  await keepBetterSqliteBuild(app);
}

/** The README of an installed package. */
export function installedReadme(app: string, name: string): Promise<string> {
  return readFile(join(app, 'node_modules', name, 'README.md'), 'utf8');
}

/** The code blocks of one `## <title>` section of a README, with their language. */
export function codeBlocks(readme: string, title: string): Array<{ readonly lang: string; readonly code: string }> {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start === -1) return [];
  const end = readme.indexOf('\n## ', start + 1);
  const text = readme.slice(start, end === -1 ? undefined : end);
  return [...text.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1] as string, code: m[2] as string }));
}

