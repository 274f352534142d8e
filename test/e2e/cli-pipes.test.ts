import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createE2eApp, PACKAGES, type E2eApp } from './test-app.js';
import { recordOutput } from '../support/output-recorder.js';

const BIN = join(PACKAGES, 'cli', 'dist', 'bin.js');

/**
 * Runs `xport <args>` with its standard output a pipe whose reader is gone before the command
 * writes a byte: every write it makes meets EPIPE, as the writes after `head -1` has read its line.
 */
function runWithReaderGone(root: string, args: readonly string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, '--root', root, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    recordOutput('xport stderr', chunk.toString());
  });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
}

describe('xport writing into a pipe whose reader has gone', () => {
  let app: E2eApp;
  beforeAll(async () => {
    app = await createE2eApp(['provider-loopback'], { transportOrder: ['loopback'] });
  });
  afterAll(async () => app?.cleanup());

  // The handling is one place (processIO) that every command writes through; these cover each kind of output.
  const commands: ReadonlyArray<readonly string[]> = [
    ['status', '--json'],
    ['send', '--from', 'loopback:me', '--to', 'loopback:you', '--text', 'into a closed pipe'],
    ['queue'],
    ['--help'],
  ];

  it.each(commands.map((args) => [args.join(' '), args] as const))('xport %s exits 0 quietly: no EPIPE stack trace', async (_name, args) => {
    const result = await runWithReaderGone(app.root, args);
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ code: 0, signal: null });
  }, 60_000);

  it('`xport status | head -1` prints the first line and xport exits 0', () => {
    const result = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" --root "${app.root}" status | head -1`], { encoding: 'utf8' });
    recordOutput('xport stderr', result.stderr);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('no daemon running (states are from discovery)\n');
    expect(result.status).toBe(0);
  }, 60_000);
});
