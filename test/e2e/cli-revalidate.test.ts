import { spawn } from 'node:child_process';
import { chmod, cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type CliIO } from '@xport/cli';
import { createE2eApp, PACKAGES, type E2eApp } from './test-app.js';
import { recordOutput } from '../support/output-recorder.js';
import { KNOWN_SECRETS } from '../support/known-secrets.js';

const BIN = join(PACKAGES, 'cli', 'dist', 'bin.js');
const FIXTURE = join(PACKAGES, 'core', 'test', 'fixtures', 'providers', 'logon-rejects');

async function xport(app: E2eApp, args: string[]) {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (s) => void ((out += s), recordOutput('cli stdout', s)), stderr: (s) => void ((err += s), recordOutput('cli stderr', s)), cwd: app.root, env: {}, interactive: false };
  const code = await runCli(args, io);
  return { code, out, err };
}

async function writeCredentials(app: E2eApp, password: string): Promise<void> {
  const file = join(app.root, 'secrets', 'credentials.json');
  await mkdir(join(app.root, 'secrets'), { recursive: true });
  await writeFile(file, JSON.stringify({ 'logon-rejects': { password } }));
  await chmod(file, 0o600);
}

// Rotation: a credential changed in its source is picked up when the daemon logs the provider on
// again, on demand (`xport revalidate`, i.e. SIGHUP) — without restarting the daemon.
describe('credential rotation through the daemon', () => {
  let app: E2eApp | undefined;
  afterEach(async () => app?.cleanup());

  // Starting a daemon process takes seconds on a loaded machine; the waits below are for its status,
  // and the test's timeout is a safety net over all of them.
  it('a provider refused at logon goes online after the file is fixed and xport revalidate runs', { timeout: 120_000 }, async () => {
    app = await createE2eApp(['provider-sdk'], {
      transportOrder: ['logon-rejects'],
      credentials: { env: false, file: 'secrets/credentials.json' },
      // Long retry delay: only the revalidation can bring it online within the test.
      logonRetry: { minDelayMs: 600_000, maxDelayMs: 600_000 },
    });
    await cp(FIXTURE, join(app.root, 'node_modules', 'logon-rejects'), { recursive: true });
    await writeCredentials(app, KNOWN_SECRETS.wrongPassword);

    const daemon = spawn(process.execPath, [BIN, '--root', app.root, 'start'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    daemon.stderr.on('data', (chunk) => {
      log += String(chunk);
      recordOutput('daemon stderr', String(chunk));
    });
    // 'close', not 'exit': the log is read to its last line before the test looks into it.
    const exited = new Promise<number | null>((resolve) => daemon.on('close', resolve));
    const state = async () => {
      const status = JSON.parse((await xport(app!, ['status', '--json'])).out);
      return status.providers.find((p: { id: string }) => p.id === 'logon-rejects');
    };
    try {
      await expect.poll(async () => (await state())?.state, { timeout: 20_000 }).toBe('logon-failed');
      const refused = await state();
      expect(refused.lastError.code).toBe('XPORT_LOGON_FAILED');
      expect(refused.lastError.message).not.toContain(KNOWN_SECRETS.wrongPassword);
      expect(refused.lastErrorAt).toEqual(expect.any(Number));
      // The table gives the current error with its time.
      expect((await xport(app, ['status'])).out).toMatch(/XPORT_LOGON_FAILED: .* \(at \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\)/);

      await writeCredentials(app, KNOWN_SECRETS.logonPassword);
      const asked = await xport(app, ['revalidate']);
      expect(asked.code).toBe(0);
      await expect.poll(async () => (await state())?.state, { timeout: 20_000 }).toBe('online');
      // Healed: no stale error in daemon.json, status --json or the table; the refusal stays as dated history.
      const healed = await state();
      expect(healed.lastError).toBeUndefined();
      expect(healed.lastErrorAt).toBeUndefined();
      expect(healed.errorHistory[0]).toMatchObject({ code: 'XPORT_LOGON_FAILED', at: expect.any(Number) });
      expect(refused.lastErrorAt).toBeLessThanOrEqual(healed.errorHistory[0].at);
      const table = (await xport(app, ['status'])).out;
      const line = table.split('\n').find((l) => l.includes('logon-rejects'));
      expect(line).toContain('online');
      expect(table).not.toContain('XPORT_LOGON_FAILED');
    } finally {
      daemon.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(log).toContain('SIGHUP: re-validating providers');
    expect(log).not.toContain(KNOWN_SECRETS.wrongPassword);
  });

  it('revalidate without a running daemon is XPORT_DAEMON_NOT_RUNNING (the kernel is not stopped: there is none)', async () => {
    app = await createE2eApp([], {});
    const result = await xport(app, ['revalidate']);
    expect(result.code).toBe(1);
    expect(result.err).toContain('XPORT_DAEMON_NOT_RUNNING: no xport daemon is running for');
  });
});
