import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '@xport/cli';
import { captureIO, installOffline, LINKED_DEPENDENCY_ARGS, runInPackage } from './scaffold-support.js';

const run = promisify(execFile);

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
    const code = await runCli(['new', 'provider', '@acme/xport-provider-pager', '--dir', '.', '--address-type', 'PAGER', '--json', '--dependency', ...LINKED_DEPENDENCY_ARGS], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const made = JSON.parse(io.out()) as { directory: string; id: string; addressType: string; files: string[] };
    expect(made).toMatchObject({ directory: join(parent, 'xport-provider-pager'), id: 'pager', addressType: 'pager' });
    expect(made.files).toEqual(expect.arrayContaining(['package.json', 'tsconfig.json', 'README.md', 'src/provider.ts', 'test/conformance.test.ts']));
    const pkg = JSON.parse(await readFile(join(made.directory, 'package.json'), 'utf8'));
    expect(pkg.xport).toMatchObject({ id: 'pager', kind: 'transport', addressTypes: ['pager'], kernel: '^1.0.0' });
    expect(pkg.peerDependencies).toEqual({ '@xport/provider-sdk': '^0.1.0' });
    expect(pkg.scripts).toEqual({ build: 'tsc -p tsconfig.json', test: 'vitest run' });

    await installOffline(made.directory);
    await runInPackage(made.directory, ['run', 'build']);
    const tested = await runInPackage(made.directory, ['test']);
    expect(tested.stdout).toMatch(/Test Files\s+.*1 passed/);
    // Every case the scaffold's transport can take part in runs (deferral and its retry included);
    // it declares no credentials, never answers not-me and names no destination (`destinationOf`), so
    // those four cases are skipped.
    expect(tested.stdout).toMatch(/Tests\s+.*7 passed.*4 skipped/);
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
    expect(busy.err()).toContain('XPORT_SCAFFOLD_REFUSED');
    expect(busy.err()).toContain('exists and is not empty');
    expect(await readFile(join(parent, 'xport-provider-busy', 'keep.txt'), 'utf8')).toBe('mine');
  });
});

describe('xport new refuses to scaffold inside a git repository unless told to', () => {
  let parent: string | undefined;
  afterEach(async () => {
    if (parent) await rm(parent, { recursive: true, force: true });
    parent = undefined;
  });

  it('refuses inside a repository made by git init, naming it, and writes nothing; --in-repo writes there', async () => {
    parent = await realpath(await mkdtemp(join(tmpdir(), 'xport-scaffold-repo-')));
    await run('git', ['init', '--quiet', parent]);
    await mkdir(join(parent, 'packages'));
    for (const kind of ['provider', 'hook']) {
      const name = `xport-${kind}-inside`;
      const refused = captureIO(join(parent, 'packages'));
      expect(await runCli(['new', kind, name], refused)).toBe(1);
      expect(refused.err()).toContain(`xport: XPORT_SCAFFOLD_REFUSED: xport new ${kind}: ${join(parent, 'packages', name)} is inside the git repository at ${parent}`);
      expect(refused.err()).toContain('--in-repo');
      expect(await readdir(join(parent, 'packages')), 'nothing written').not.toContain(name);

      const meant = captureIO(join(parent, 'packages'));
      expect(await runCli(['new', kind, name, '--in-repo', '--json'], meant)).toBe(0);
      expect(JSON.parse(meant.out())).toMatchObject({ directory: join(parent, 'packages', name), id: 'inside' });
      expect(JSON.parse(await readFile(join(parent, 'packages', name, 'package.json'), 'utf8')).xport.kind).toBe(kind === 'provider' ? 'transport' : 'hook');
    }
  });

  it('finds the repository of a git worktree or submodule, whose .git is a file, from a folder that does not exist yet', async () => {
    parent = await realpath(await mkdtemp(join(tmpdir(), 'xport-scaffold-repo-')));
    await writeFile(join(parent, '.git'), 'gitdir: /elsewhere/.git/worktrees/mine\n');
    const io = captureIO(parent);
    expect(await runCli(['new', 'hook', 'xport-hook-deep', '--dir', 'not/yet/made'], io)).toBe(1);
    expect(io.err()).toContain(`is inside the git repository at ${parent}`);
    expect(await readdir(parent)).toEqual(['.git']);
  });

  it('scaffolds outside any repository without being asked', async () => {
    parent = await realpath(await mkdtemp(join(tmpdir(), 'xport-scaffold-')));
    const io = captureIO(parent);
    expect(await runCli(['new', 'hook', 'xport-hook-outside'], io)).toBe(0);
    expect(io.out()).toContain(`created xport-hook-outside (hook "outside") in ${join(parent, 'xport-hook-outside')}`);
  });
});
