import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createE2eApp, PACKAGES, type E2eApp } from './test-app.js';
import { recordOutput } from '../support/output-recorder.js';

const BIN = join(PACKAGES, 'cli', 'dist', 'bin.js');

/** Runs `xport <args>` as a child process to its end: the exit code and everything it printed. */
function xport(root: string, args: readonly string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  const child = spawn(process.execPath, [BIN, '--root', root, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output += chunk.toString();
    recordOutput('xport output', chunk.toString());
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, output })));
}

describe('xport start fails fast where nothing can work, with a documented exit code', () => {
  let app: E2eApp | undefined;
  afterEach(async () => app?.cleanup());

  it('exits 69 (EX_UNAVAILABLE) when the configured store cannot be opened, and starts no transport', async () => {
    app = await createE2eApp(['provider-loopback', 'store-sqlite'], {
      store: { provider: 'store-sqlite' },
      transportOrder: ['loopback'],
      // A path below a regular file: SQLite cannot create it (ENOTDIR), as on a disk it may not write.
      providers: { 'store-sqlite': { config: { path: 'not-a-directory/store.db' } } },
    });
    await writeFile(join(app.root, 'not-a-directory'), 'a file where the store wants a directory\n');
    const started = await xport(app.root, ['start']);
    expect(started.code).toBe(69);
    expect(started.output).toMatch(/xport: XPORT_STORE_UNAVAILABLE: the message store "store-sqlite" could not be opened \(XPORT_STORE_UNAVAILABLE: sqlite store \S+not-a-directory\/store\.db: cannot open the database: .*\); the kernel does not start without its store\n/);
    expect(started.output).not.toContain('provider loopback');
    expect(started.output).not.toContain('xport daemon running');
    expect(existsSync(join(app.root, '.xport', 'daemon.json'))).toBe(false);
    // One-shot commands say the same, with the same code.
    const sent = await xport(app.root, ['send', '--from', 'loopback:me', '--to', 'loopback:you', '--text', 'nowhere to keep it']);
    expect(sent.code).toBe(69);
    expect(sent.output).toContain('xport: XPORT_STORE_UNAVAILABLE: ');
  }, 120_000);

  it('exits 69 when the embedded default store cannot be opened', async () => {
    app = await createE2eApp(['provider-loopback'], { transportOrder: ['loopback'] });
    await writeFile(join(app.root, '.xport'), 'a file where the state directory belongs\n');
    const started = await xport(app.root, ['start']);
    expect(started.code).toBe(69);
    // The default is the store-sqlite provider, run as if store.provider named it: the same message.
    expect(started.output).toMatch(/xport: XPORT_STORE_UNAVAILABLE: the message store "store-sqlite" could not be opened \(XPORT_STORE_UNAVAILABLE: sqlite store \S+\/\.xport\/store\.db: cannot open the database/);
  }, 120_000);

  it('exits 78 (EX_CONFIG) when store.provider names no store it can run, or xport.config.json is invalid', async () => {
    app = await createE2eApp(['provider-loopback'], { store: { provider: 'store-nowhere' }, transportOrder: ['loopback'] });
    const unknownStore = await xport(app.root, ['start']);
    expect(unknownStore.code).toBe(78);
    expect(unknownStore.output).toContain(
      'xport: XPORT_STORE_NOT_CONFIGURED: store.provider "store-nowhere" in xport.config.json is not a discovered store provider; the kernel does not start without its store\n',
    );
    expect(unknownStore.output).not.toContain('provider loopback');

    await writeFile(join(app.root, 'xport.config.json'), JSON.stringify({ spooler: { batchSize: 0 } }));
    const invalid = await xport(app.root, ['start']);
    expect(invalid.code).toBe(78);
    expect(invalid.output).toContain('xport: XPORT_CONFIG_INVALID: ');
    expect(invalid.output).toContain('field /spooler/batchSize must be >= 1 (got 0)');
  }, 120_000);
});
