import { execFile } from 'node:child_process';
import { mkdtemp, readFile, realpath, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type CliIO } from '@xport/cli';
import { PACKAGES, REPO } from './test-app.js';

const run = promisify(execFile);

function captureIO(cwd: string): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: (s) => void (out += s), stderr: (s) => void (err += s), cwd, env: {}, interactive: false, out: () => out, err: () => err };
}

// Everything the scaffolded package depends on, linked to this repository: pnpm installs it offline.
const LOCAL = {
  '@xport/provider-sdk': join(PACKAGES, 'provider-sdk'),
  '@xport/core': join(PACKAGES, 'core'),
  '@xport/store-memory': join(PACKAGES, 'store-memory'),
  typescript: join(REPO, 'node_modules', 'typescript'),
  vitest: join(REPO, 'node_modules', 'vitest'),
  '@types/node': join(REPO, 'node_modules', '@types', 'node'),
  tsyringe: join(PACKAGES, 'core', 'node_modules', 'tsyringe'),
  'reflect-metadata': join(PACKAGES, 'core', 'node_modules', 'reflect-metadata'),
};

describe('xport new provider', () => {
  let parent: string | undefined;
  afterEach(async () => {
    if (parent) await rm(parent, { recursive: true, force: true });
    parent = undefined;
  });

  // Install, build and the package's own test run take a minute or more on a loaded machine: the
  // per-command limit and the test timeout are safety nets against a hung command.
  it('scaffolds a package outside the repo that installs, builds and passes its conformance test', { timeout: 600_000 }, async () => {
    parent = await realpath(await mkdtemp(join(tmpdir(), 'xport-scaffold-')));
    const io = captureIO(parent);
    const dependencies = Object.entries(LOCAL).map(([name, path]) => `${name}=link:${path}`);
    const code = await runCli(['new', 'provider', '@acme/xport-provider-pager', '--dir', '.', '--address-type', 'PAGER', '--json', '--dependency', ...dependencies], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const made = JSON.parse(io.out()) as { directory: string; id: string; addressType: string; files: string[] };
    expect(made).toMatchObject({ directory: join(parent, 'xport-provider-pager'), id: 'pager', addressType: 'pager' });
    expect(made.files).toEqual(expect.arrayContaining(['package.json', 'tsconfig.json', 'README.md', 'src/provider.ts', 'test/conformance.test.ts']));
    const pkg = JSON.parse(await readFile(join(made.directory, 'package.json'), 'utf8'));
    expect(pkg.xport).toMatchObject({ id: 'pager', kind: 'transport', addressTypes: ['pager'], kernel: '^1.0.0' });
    expect(pkg.peerDependencies).toEqual({ '@xport/provider-sdk': '^0.1.0' });
    expect(pkg.scripts).toEqual({ build: 'tsc -p tsconfig.json', test: 'vitest run' });

    // CI=true makes pnpm default to a frozen lockfile; the new package has none yet.
    const env = { ...process.env, CI: 'true', npm_config_offline: 'true' };
    const options = { cwd: made.directory, env, timeout: 180_000 };
    await run('pnpm', ['install', '--offline', '--no-frozen-lockfile'], options);
    await run('pnpm', ['run', 'build'], options);
    const tested = await run('pnpm', ['test'], options);
    expect(tested.stdout).toMatch(/Test Files\s+.*1 passed/);
    expect(tested.stdout).toMatch(/Tests\s+.*6 passed/);
    expect(tested.stdout).not.toMatch(/failed/);
  });

  it('defaults dependencies to published ranges and refuses a bad name or a non-empty directory', async () => {
    parent = await realpath(await mkdtemp(join(tmpdir(), 'xport-scaffold-')));
    const io = captureIO(parent);
    expect(await runCli(['new', 'provider', 'xport-provider-fax', '--dir', parent], io)).toBe(0);
    const pkg = JSON.parse(await readFile(join(parent, 'xport-provider-fax', 'package.json'), 'utf8'));
    expect(pkg.xport.id).toBe('fax');
    expect(pkg.devDependencies).toMatchObject({ '@xport/provider-sdk': '^0.1.0', '@xport/core': '^0.1.0', '@xport/store-memory': '^0.1.0' });
    // The README tells operators the variable the kernel really reads for a credential of this provider.
    const readme = await readFile(join(parent, 'xport-provider-fax', 'README.md'), 'utf8');
    expect(readme).toContain('as the environment variable\n`XPORT_FAX__API_KEY`');
    expect(readme).toContain('{ "fax": { "apiKey": "…" } }');

    const bad = captureIO(parent);
    expect(await runCli(['new', 'provider', 'Not A Name'], bad)).toBe(1);
    expect(bad.err()).toContain('package name "Not A Name"');

    await mkdir(join(parent, 'xport-provider-busy'));
    await writeFile(join(parent, 'xport-provider-busy', 'keep.txt'), 'mine');
    const busy = captureIO(parent);
    expect(await runCli(['new', 'provider', 'xport-provider-busy'], busy)).toBe(1);
    expect(busy.err()).toContain('exists and is not empty');
    expect(await readFile(join(parent, 'xport-provider-busy', 'keep.txt'), 'utf8')).toBe('mine');
  });
});
