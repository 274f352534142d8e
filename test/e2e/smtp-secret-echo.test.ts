import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliIO } from '@xport/cli';
import { createKernel, type Kernel } from '@xport/core';
import { createMemoryStore } from '@xport/store-memory';
import { createE2eApp, PACKAGES, type E2eApp } from './test-app.js';
import { startEchoRelay, type EchoRelay } from './echo-relay.js';
import { createCertificate, createLogCollector } from './smtp-sink.js';
import { findSecretLeaks } from '../support/leak-scanner.js';
import { recordOutput, registerSecret } from '../support/output-recorder.js';

// A relay that quotes the client's AUTH payload back in its 535 (issue 16, item 2): the base64 it
// echoes holds the user name and password, so every place the refusal is shown must mask it.
const BIN = join(PACKAGES, 'cli', 'dist', 'bin.js');
const USER = 'ks-echo-user-3f9a1c';
const PASSWORD = 'ks-echo-password-b7e2d4';
const TOKEN = 'ks-echo-oauth-token-51c0e8';
const SECRETS = [
  { name: 'echo user', value: USER },
  { name: 'echo password', value: PASSWORD },
  { name: 'echo token', value: TOKEN },
];
for (const s of SECRETS) registerSecret(s.name, s.value);

let certificate: { key: string; cert: string };
let app: E2eApp | undefined;
let relay: EchoRelay | undefined;
let kernel: Kernel | undefined;

beforeAll(async () => {
  certificate = await createCertificate();
});

afterEach(async () => {
  await kernel?.stop();
  await relay?.close();
  await app?.cleanup();
  kernel = relay = app = undefined;
});

function relayConfig(port: number, authMethod: string) {
  return {
    providers: {
      smtp: { config: { relay: { host: '127.0.0.1', port, secure: true, ca: certificate.cert, authMethod, connectionTimeoutMs: 10_000, greetingTimeoutMs: 10_000, socketTimeoutMs: 10_000 } } },
    },
    credentials: { env: false },
    // Only the first logon matters: no retry comes while the test reads the outputs.
    logonRetry: { minDelayMs: 600_000, maxDelayMs: 600_000 },
  };
}

async function writeCredentials(root: string, values: Record<string, string>): Promise<void> {
  const file = join(root, '.xport', 'credentials.json');
  await mkdir(join(root, '.xport'), { recursive: true, mode: 0o700 });
  await writeFile(file, JSON.stringify({ smtp: values }));
  await chmod(file, 0o600);
}

async function xport(root: string, args: string[]) {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (s) => void ((out += s), recordOutput('cli stdout', s)), stderr: (s) => void ((err += s), recordOutput('cli stderr', s)), cwd: root, env: {}, interactive: false };
  const code = await runCli(args, io);
  return { code, out, err };
}

/** Every encoded form a leak could take, named, for a readable failure. */
function leaksIn(output: string, extra: readonly string[]): string[] {
  const found = findSecretLeaks(output, SECRETS).map((l) => `${l.secret} (${l.encoding}): ${l.excerpt}`);
  for (const form of extra) if (output.includes(form)) found.push(`echoed payload ${form}`);
  return found;
}

describe('a relay that echoes the AUTH payload', () => {
  it('AUTH PLAIN through the daemon: the blob is masked in xport status, daemon.json and the daemon log', async () => {
    relay = await startEchoRelay({ tls: certificate });
    app = await createE2eApp(['provider-smtp'], relayConfig(relay.port, 'PLAIN'));
    await writeCredentials(app.root, { username: USER, password: PASSWORD });

    const daemon = spawn(process.execPath, [BIN, '--root', app.root, 'start'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const logonFailedLogged = new Promise<void>((resolve) => {
      daemon.stderr.on('data', (chunk) => {
        log += String(chunk);
        recordOutput('daemon stderr', String(chunk));
        if (log.includes('logging-on -> logon-failed')) resolve();
      });
    });
    const exited = once(daemon, 'exit');
    let statusJson: string;
    let statusTable: string;
    let daemonFile: string;
    try {
      const echoed = await relay.firstRefusal;
      expect(echoed.method).toBe('PLAIN');
      await logonFailedLogged;
      // The daemon publishes its status after each state change; wait for the one with the refusal.
      await expect
        .poll(async () => JSON.parse((await xport(app!.root, ['status', '--json'])).out).providers.find((p: { id: string }) => p.id === 'smtp')?.state, { timeout: 20_000 })
        .toBe('logon-failed');
      statusJson = (await xport(app.root, ['status', '--json'])).out;
      statusTable = (await xport(app.root, ['status'])).out;
      daemonFile = await readFile(join(app.root, '.xport', 'daemon.json'), 'utf8');
    } finally {
      daemon.kill('SIGTERM');
    }
    expect((await exited)[0]).toBe(0);

    const [blob = ''] = relay.attempts[0]?.payloads ?? [];
    expect(Buffer.from(blob, 'base64').toString('utf8')).toBe(`\0${USER}\0${PASSWORD}`);
    const row = JSON.parse(statusJson).providers.find((p: { id: string }) => p.id === 'smtp');
    // The refusal itself is shown — only the echoed credentials are not.
    expect(row.lastError.code).toBe('XPORT_LOGON_FAILED');
    expect(row.lastError.message).toContain('535 5.7.8 Authentication failed for [redacted]');
    expect(statusTable).toContain('Authentication failed for [redacted]');
    expect(log).toContain('Authentication failed for [redacted]');
    for (const [where, output] of [
      ['xport status --json', statusJson],
      ['xport status', statusTable],
      ['.xport/daemon.json', daemonFile],
      ['daemon log', log],
    ] as const) {
      expect(leaksIn(output, [blob]), where).toEqual([]);
    }
  });

  it.each([
    ['LOGIN', { username: USER, password: PASSWORD }],
    ['XOAUTH2', { username: USER, oauth2AccessToken: TOKEN }],
  ])('AUTH %s through a kernel: every echoed payload is masked in the status row, the error and the log', async (method, credentials) => {
    relay = await startEchoRelay({ tls: certificate });
    app = await createE2eApp(['provider-smtp'], relayConfig(relay.port, method));
    const { lines, logger } = createLogCollector();
    kernel = createKernel({ root: app.root, credentials: { smtp: credentials }, env: {}, logger, store: createMemoryStore() });
    await kernel.start();
    expect(kernel.providerState('smtp')).toBe('logon-failed');
    const echoed = relay.attempts[0];
    expect(echoed?.method).toBe(method);
    expect(echoed?.payloads.length).toBe(method === 'LOGIN' ? 2 : 1);

    const status = JSON.stringify(kernel.status());
    const output = [status, ...lines].join('\n');
    recordOutput('kernel status and log', output);
    expect(status).toContain('Authentication failed for [redacted]');
    expect(leaksIn(output, echoed?.payloads ?? [])).toEqual([]);
  });
});
