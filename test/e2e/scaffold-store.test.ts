import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '@xport/cli';
import { STORE_DEFAULTS } from '@xport/provider-sdk';
import { captureIO, installOffline, LINKED_DEPENDENCY_ARGS, runInPackage } from './scaffold-support.js';

describe('xport new store', () => {
  let parent: string | undefined;
  afterEach(async () => {
    if (parent) await rm(parent, { recursive: true, force: true });
    parent = undefined;
  });

  it('scaffolds a store package outside the repo that installs, builds and passes the store conformance suite', { timeout: 300_000 }, async () => {
    parent = await realpath(await mkdtemp(join(tmpdir(), 'xport-scaffold-store-')));
    const io = captureIO(parent);
    const code = await runCli(['new', 'store', '@acme/xport-store-notes', '--json', '--dependency', ...LINKED_DEPENDENCY_ARGS], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const made = JSON.parse(io.out()) as { directory: string; id: string; files: string[] };
    expect(made).toMatchObject({ directory: join(parent, 'xport-store-notes'), id: 'notes' });
    expect(made.files).toEqual([
      'package.json',
      'tsconfig.json',
      '.gitignore',
      'README.md',
      'src/provider.ts',
      'src/store.ts',
      'src/outbox.ts',
      'src/inbox.ts',
      'src/records.ts',
      'src/content.ts',
      'src/suppression.ts',
      'test/conformance.test.ts',
    ]);
    const pkg = JSON.parse(await readFile(join(made.directory, 'package.json'), 'utf8'));
    expect(pkg.xport).toMatchObject({ id: 'notes', kind: 'store', entry: './dist/provider.js', kernel: '^1.0.0' });
    expect(pkg.xport.configSchema.properties.sentRetentionDays.default).toBe(STORE_DEFAULTS.sentRetentionDays);
    expect(pkg.peerDependencies).toEqual({ '@xport/provider-sdk': '^0.1.0' });
    // The lifecycle rules are the SDK's: the generated outbox calls them instead of writing its own.
    const outbox = await readFile(join(made.directory, 'src', 'outbox.ts'), 'utf8');
    for (const rule of ['recipientTransition', 'applyRecipientTransition', 'checkCompletionLease', 'isStranded', 'leaseExpiry']) expect(outbox).toContain(rule);
    const suppression = await readFile(join(made.directory, 'src', 'suppression.ts'), 'utf8');
    for (const rule of ['hardBounceCount', 'isPurgeableSuppression']) expect(suppression).toContain(rule);

    await installOffline(made.directory);
    await runInPackage(made.directory, ['run', 'build']);
    const tested = await runInPackage(made.directory, ['test']);
    expect(tested.stdout).toMatch(/Test Files\s+.*1 passed/);
    // It keeps a suppression list, but no encoded records, nothing across a close, no queue operations,
    // no event log and no bounce correlation (optional parts of the contract): the record and reopen
    // cases (9 + 1), operations (8 + 3 held-expiry), events (8 + 2) and bounces (5) are the only ones skipped.
    expect(tested.stdout).toMatch(/Tests\s+.*68 passed.*36 skipped/);
    expect(tested.stdout).not.toMatch(/failed/);
  });

  it('names the id after xport-store-, names the factory after the id, and refuses a bad name', async () => {
    parent = await realpath(await mkdtemp(join(tmpdir(), 'xport-scaffold-store-')));
    const io = captureIO(parent);
    expect(await runCli(['new', 'store', 'xport-store-archive-box', '--dir', parent], io)).toBe(0);
    expect(io.out()).toContain(`created xport-store-archive-box (store "archive-box") in ${join(parent, 'xport-store-archive-box')}`);
    expect(await readFile(join(parent, 'xport-store-archive-box', 'src', 'store.ts'), 'utf8')).toContain('export function createArchiveBoxStore(');

    const bad = captureIO(parent);
    expect(await runCli(['new', 'store', 'xport-store-Bad_Name'], bad)).toBe(1);
    expect(bad.err()).toContain('xport: XPORT_MANIFEST_INVALID: xport new store: package name "xport-store-Bad_Name"');
  });
});
