import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '@xport/cli';
import { captureIO, installOffline, LINKED_DEPENDENCY_ARGS, runInPackage } from './scaffold-support.js';

describe('xport new hook', () => {
  let parent: string | undefined;
  afterEach(async () => {
    if (parent) await rm(parent, { recursive: true, force: true });
    parent = undefined;
  });

  it('scaffolds a hook package outside the repo that installs, builds and passes the hook conformance suite', { timeout: 300_000 }, async () => {
    parent = await realpath(await mkdtemp(join(tmpdir(), 'xport-scaffold-hook-')));
    const io = captureIO(parent);
    const code = await runCli(['new', 'hook', '@acme/xport-hook-subject-policy', '--json', '--dependency', ...LINKED_DEPENDENCY_ARGS], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const made = JSON.parse(io.out()) as { directory: string; id: string; files: string[] };
    expect(made).toMatchObject({ directory: join(parent, 'xport-hook-subject-policy'), id: 'subject-policy' });
    expect(made.files).toEqual(['package.json', 'tsconfig.json', '.gitignore', 'README.md', 'src/hook.ts', 'test/conformance.test.ts']);
    const pkg = JSON.parse(await readFile(join(made.directory, 'package.json'), 'utf8'));
    expect(pkg.xport).toMatchObject({ id: 'subject-policy', kind: 'hook', entry: './dist/hook.js', kernel: '^1.0.0' });
    expect(pkg.xport.addressTypes).toBeUndefined();
    expect(pkg.peerDependencies).toEqual({ '@xport/provider-sdk': '^0.1.0' });
    expect(pkg.scripts).toEqual({ build: 'tsc -p tsconfig.json', test: 'vitest run' });

    await installOffline(made.directory);
    await runInPackage(made.directory, ['run', 'build']);
    const tested = await runInPackage(made.directory, ['test']);
    expect(tested.stdout).toMatch(/Test Files\s+.*1 passed/);
    // Both directions, every verdict, each limit; it declares no credentials, so the bad-credential
    // and secret cases are the only ones skipped.
    expect(tested.stdout).toMatch(/Tests\s+.*13 passed.*2 skipped/);
    expect(tested.stdout).not.toMatch(/failed/);
  });

  it('defaults dependencies to published ranges, names the id after xport-hook-, and refuses a bad name', async () => {
    parent = await realpath(await mkdtemp(join(tmpdir(), 'xport-scaffold-hook-')));
    const io = captureIO(parent);
    expect(await runCli(['new', 'hook', 'xport-hook-spam-filter', '--dir', parent], io)).toBe(0);
    expect(io.out()).toContain(`created xport-hook-spam-filter (hook "spam-filter") in ${join(parent, 'xport-hook-spam-filter')}`);
    const pkg = JSON.parse(await readFile(join(parent, 'xport-hook-spam-filter', 'package.json'), 'utf8'));
    expect(pkg.xport.id).toBe('spam-filter');
    expect(pkg.devDependencies).toMatchObject({ '@xport/provider-sdk': '^0.1.0', '@xport/core': '^0.1.0', '@xport/store-memory': '^0.1.0', vitest: '^4.1.12' });
    expect(await readFile(join(parent, 'xport-hook-spam-filter', 'src', 'hook.ts'), 'utf8')).toContain('export const STAMP = "X-Spam-Filter";');

    const bad = captureIO(parent);
    expect(await runCli(['new', 'hook', 'xport-hook-Bad_Name'], bad)).toBe(1);
    expect(bad.err()).toContain('xport: XPORT_MANIFEST_INVALID: xport new hook: package name "xport-hook-Bad_Name"');
    const unknown = captureIO(parent);
    expect(await runCli(['new', 'hook', 'xport-hook-other', '--dependency', 'left-pad=1.0.0'], unknown)).toBe(1);
    expect(unknown.err()).toContain('xport: XPORT_SCAFFOLD_REFUSED: xport new hook: --dependency expects <name>=<spec>');
  });
});
