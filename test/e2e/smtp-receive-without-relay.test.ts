import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from '@xport/core';
import { runCli, type CliIO } from '@xport/cli';
import type { TransportProvider } from '@xport/provider-sdk';
import { createE2eApp, PACKAGES, type E2eApp } from './test-app.js';
import { createCertificate, createLogCollector, freePort, nodemailer, startSink, type Sink } from './smtp-sink.js';
import { recordOutput } from '../support/output-recorder.js';
import { KNOWN_SECRETS } from '../support/known-secrets.js';

// Receiving does not depend on relaying: while the relay refuses the logon or cannot be reached,
// the SMTP listener still takes mail into the store, and the status row shows the two sides apart.
const BIN = join(PACKAGES, 'cli', 'dist', 'bin.js');
let certificate: { key: string; cert: string };
let app: E2eApp | undefined;
let kernel: Kernel | undefined;
let sink: Sink | undefined;

beforeAll(async () => {
  certificate = await createCertificate();
});

afterEach(async () => {
  await kernel?.stop();
  await sink?.close();
  await app?.cleanup();
  kernel = undefined;
  sink = undefined;
  app = undefined;
});

function smtpConfig(relayPort: number) {
  return {
    store: { provider: 'store-sqlite' },
    transportOrder: ['smtp'],
    providers: {
      smtp: {
        config: {
          relay: { host: '127.0.0.1', port: relayPort, ca: certificate.cert, connectionTimeoutMs: 5_000, greetingTimeoutMs: 5_000, socketTimeoutMs: 5_000 },
          listen: { enabled: true, port: 0, domains: ['example.org'] },
        },
      },
    },
    // Long: no retry may bring the relay back during a test.
    logonRetry: { minDelayMs: 600_000, maxDelayMs: 600_000 },
  };
}

function listenPort(k: Kernel): number {
  const address = (k.transport('smtp') as TransportProvider & { listenAddress(): { port: number } | undefined }).listenAddress();
  if (!address) throw new Error('the smtp listener is not running');
  return address.port;
}

async function sendTo(port: number, subject: string): Promise<string> {
  const client = nodemailer.createTransport({ host: '127.0.0.1', port, ignoreTLS: true, logger: false });
  try {
    return (await client.sendMail({ from: 'peer@example.net', to: 'ada@example.org', subject, text: 'still arriving' })).response;
  } finally {
    client.close();
  }
}

describe('receiving while the relay is down', () => {
  it('takes mail in while the relay refuses the logon; status shows the relay down and the listener up', async () => {
    sink = await startSink({ tls: certificate, users: { ada: 'the-right-one' } });
    app = await createE2eApp(['provider-smtp', 'store-sqlite'], { ...smtpConfig(sink.port), credentials: { env: true } });
    const { lines, logger } = createLogCollector();
    kernel = createKernel({ root: app.root, credentials: { smtp: { username: 'ada', password: KNOWN_SECRETS.wrongPassword } }, env: {}, logger });
    await kernel.start();

    const row = kernel.status().find((r) => r.id === 'smtp')!;
    expect(row.state).toBe('logon-failed');
    expect(row.lastError?.code).toBe('XPORT_LOGON_FAILED');
    const port = listenPort(kernel);
    expect(row.sides).toEqual([
      { name: 'relay', state: 'down', detail: `127.0.0.1:${sink.port}`, error: row.lastError },
      { name: 'listener', state: 'up', detail: `127.0.0.1:${port}` },
    ]);

    expect(await sendTo(port, 'during the relay outage')).toMatch(/^250 /);
    const inbox = await kernel.store()!.listInbox('smtp:ada@example.org');
    expect(inbox.map((e) => e.envelope.subject)).toEqual(['during the relay outage']);

    const everything = JSON.stringify(kernel.status()) + lines.join('\n');
    expect(everything).not.toContain(KNOWN_SECRETS.wrongPassword);
    recordOutput('status rows', kernel.status());

    // The provider never came online, yet its listener closes with the kernel.
    await kernel.stop();
    kernel = undefined;
    await expect(sendTo(port, 'after stop')).rejects.toMatchObject({ code: 'ESOCKET' });
  });

  it('xport status of a daemon whose relay is unreachable prints the relay down and the listener up, and its listener takes mail', async () => {
    app = await createE2eApp(['provider-smtp', 'store-sqlite'], smtpConfig(await freePort()));
    const daemon = spawn(process.execPath, [BIN, '--root', app.root, 'start'], { stdio: ['ignore', 'pipe', 'pipe'] });
    daemon.stderr.on('data', (chunk) => recordOutput('daemon stderr', String(chunk)));
    const exited = new Promise<number | null>((resolve) => daemon.on('exit', resolve));
    const xport = async (args: string[]) => {
      let out = '';
      const io: CliIO = { stdout: (s) => void ((out += s), recordOutput('cli stdout', s)), stderr: (s) => recordOutput('cli stderr', s), cwd: app!.root, env: {}, interactive: false };
      const code = await runCli(args, io);
      return { code, out };
    };
    type Row = { id: string; state: string; sides?: { name: string; state: string; detail?: string; error?: { code: string } }[] };
    const smtpRow = async (): Promise<Row | undefined> => (JSON.parse((await xport(['status', '--json'])).out) as { providers: Row[] }).providers.find((p) => p.id === 'smtp');
    try {
      await expect.poll(async () => (await smtpRow())?.sides?.map((s) => `${s.name} ${s.state}`), { timeout: 20_000 }).toEqual(['relay down', 'listener up']);
      const row = (await smtpRow())!;
      expect(row.state).toBe('offline');
      expect(row.sides![0]!.error?.code).toBe('XPORT_PROVIDER_UNAVAILABLE');

      const text = await xport(['status']);
      expect(text.code).toBe(0);
      const listener = row.sides![1]!.detail!;
      expect(text.out).toContain('offline');
      expect(text.out).toContain(`listener up (${listener})`);
      expect(text.out).toMatch(/relay down \(127\.0\.0\.1:\d+\)/);

      expect(await sendTo(Number(listener.split(':')[1]), 'to the daemon')).toMatch(/^250 /);
    } finally {
      daemon.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    const inbox = await xport(['inbox', 'ada@example.org', '--json']);
    expect((JSON.parse(inbox.out) as { envelope: { subject?: string } }[]).map((e) => e.envelope.subject)).toEqual(['to the daemon']);
  });
});
