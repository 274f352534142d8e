import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProgram, runCli, type CliIO } from '@xport/cli';
import { createE2eApp, PACKAGES, type E2eApp } from './test-app.js';
import { recordOutput } from '../support/output-recorder.js';

const BIN = join(PACKAGES, 'cli', 'dist', 'bin.js');

function captureIO(cwd: string, env: NodeJS.ProcessEnv = {}): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  // Everything the CLI prints also goes to the suite-wide leak check.
  const stdout = (s: string) => void ((out += s), recordOutput('cli stdout', s));
  const stderr = (s: string) => void ((err += s), recordOutput('cli stderr', s));
  return { stdout, stderr, cwd, env, interactive: false, out: () => out, err: () => err };
}

async function xport(app: E2eApp, args: string[], env: NodeJS.ProcessEnv = {}) {
  const io = captureIO(app.root, env);
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe('docs/cli.md', () => {
  it('documents every command the CLI has, so the page cannot drift', async () => {
    const page = await readFile(join(PACKAGES, '..', 'docs', 'cli.md'), 'utf8');
    const program = createProgram(captureIO(process.cwd()), () => undefined);
    const names = program.commands.flatMap((command) => (command.commands.length > 0 ? command.commands.map((sub) => `${command.name()} ${sub.name()}`) : [command.name()]));
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) expect(page, `docs/cli.md lacks xport ${name}`).toContain(`| \`xport ${name}`);
  });
});

describe('xport CLI on an application with the embedded default store', () => {
  let app: E2eApp | undefined;
  afterEach(async () => app?.cleanup());

  it('lists providers as a table and as JSON, and doctor passes', async () => {
    app = await createE2eApp(['provider-loopback'], { transportOrder: ['loopback'] });
    const table = await xport(app, ['providers']);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/loopback\s+│ @xport\/provider-loopback@0\.1\.0 │ transport │ loopback\s+│ ok/);
    const json = await xport(app, ['providers', '--json']);
    // With no store named, the embedded default (the CLI's own store-sqlite) is listed as the store.
    expect(JSON.parse(json.out)).toEqual([
      expect.objectContaining({ id: 'loopback', kind: 'transport', addressTypes: ['loopback'], status: 'ok' }),
      expect.objectContaining({ id: 'store-sqlite', kind: 'store', status: 'ok' }),
    ]);
    const doctor = await xport(app, ['doctor', '--json']);
    expect(doctor.code).toBe(0);
    expect(JSON.parse(doctor.out)).toMatchObject({ ok: true, findings: [] });
  });

  it('doctor exits non-zero and names an invalid provider configuration', async () => {
    app = await createE2eApp(['provider-loopback'], { transportOrder: ['loopback'], providers: { loopback: { config: { bogus: 1 } } } });
    const doctor = await xport(app, ['doctor']);
    expect(doctor.code).toBe(1);
    expect(doctor.out).toContain('XPORT_PROVIDER_CONFIG_INVALID');
  });

  it('send queues without a daemon; queue shows it; --batch reports bad lines and queues the rest', async () => {
    app = await createE2eApp(['provider-loopback'], { transportOrder: ['loopback'] });
    const sent = await xport(app, ['send', '--from', 'loopback:me', '--to', 'loopback:you', 'fax:123', '--subject', 'hi', '--text', 'hello', '--json']);
    expect(sent.code).toBe(0);
    const receipt = JSON.parse(sent.out);
    expect(receipt.recipients.map((r: { provider: string | null }) => r.provider)).toEqual(['loopback', null]);
    const queue = await xport(app, ['queue', '--json']);
    expect(JSON.parse(queue.out)[0]).toMatchObject({ id: receipt.messageId });

    const lines = [
      JSON.stringify({ from: 'loopback:me', to: ['loopback:a'], text: '1' }),
      '{not json',
      JSON.stringify({ from: 'loopback:me', to: ['loopback:b'], headers: { 'X-Bad': 'a\r\nBcc: evil@x.org' } }),
      JSON.stringify({ from: 'loopback:me', to: ['loopback:c'], text: '3', idempotencyKey: 'k1' }),
      JSON.stringify({ from: 'loopback:me', to: ['loopback:c'], text: '3', idempotencyKey: 'k1' }),
    ];
    await writeFile(join(app.root, 'batch.jsonl'), `${lines.join('\n')}\n`);
    const batch = await xport(app, ['send', '--batch', 'batch.jsonl', '--json']);
    expect(batch.code).toBe(1);
    const summary = JSON.parse(batch.out);
    expect(summary).toMatchObject({ lines: 5, accepted: 2, duplicates: 1 });
    expect(summary.rejected.map((r: { line: number; code: string }) => [r.line, r.code])).toEqual([
      [2, 'XPORT_MESSAGE_INVALID'],
      [3, 'XPORT_MESSAGE_INVALID'],
    ]);
  });

  it('abort cancels a queued message; an unknown id is a coded error', async () => {
    app = await createE2eApp(['provider-loopback'], { transportOrder: ['loopback'] });
    const sent = JSON.parse((await xport(app, ['send', '--to', 'loopback:you', '--text', 'x', '--json'])).out);
    expect((await xport(app, ['abort', sent.messageId])).code).toBe(0);
    expect(JSON.parse((await xport(app, ['queue', '--json'])).out)).toEqual([]);
    const unknown = await xport(app, ['abort', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('XPORT_STORE_NOT_FOUND');
  });

  // Starting a daemon process takes seconds on a loaded machine; the waits below are for its log and
  // the store, and the test's timeout is a safety net over all of them.
  it('a daemon (xport start) delivers what xport send queued, reports status, and stops on SIGTERM', { timeout: 120_000 }, async () => {
    app = await createE2eApp(['provider-loopback'], { transportOrder: ['loopback'], spooler: { pollMs: 100 } });
    const daemon = spawn(process.execPath, [BIN, '--root', app.root, 'start'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    daemon.stderr.on('data', (chunk) => {
      log += String(chunk);
      recordOutput('daemon stderr', String(chunk));
    });
    daemon.stdout.on('data', (chunk) => recordOutput('daemon stdout', String(chunk)));
    // 'close', not 'exit': the log is read to its last line (the test looks for the stop message in it).
    const exited = new Promise<number | null>((resolve) => daemon.on('close', resolve));
    try {
      await expect.poll(() => log, { timeout: 20_000 }).toContain('xport daemon running');
      const sent = await xport(app, ['send', '--from', 'loopback:me', '--to', 'loopback:you', '--subject', 'through the daemon', '--text', 'hello']);
      expect(sent.code).toBe(0);
      await expect
        .poll(async () => JSON.parse((await xport(app!, ['inbox', 'loopback:you', '--json'])).out).map((e: { text: string }) => e.text), { timeout: 20_000 })
        .toEqual(['hello']);
      // The inbox entry is written during the hand-over, the recipient's delivered state right after
      // it: wait for the store to say delivered before reading the queue depth.
      const status = async () => JSON.parse((await xport(app!, ['status', '--json'])).out);
      await expect.poll(async () => (await status()).byState.delivered, { timeout: 20_000 }).toBe(1);
      expect((await status()).daemon.pid).toBe(daemon.pid);
      expect((await status()).providers.find((p: { id: string }) => p.id === 'loopback')).toMatchObject({ state: 'online', queue: { queued: 0, inFlight: 0 } });
      // The daemon publishes its destinations with its record (at the latest at its next heartbeat).
      // Loopback names no destination of its own: the address type is the destination.
      await expect
        .poll(async () => JSON.parse((await xport(app!, ['status', '--destinations', '--json'])).out).destinations, { timeout: 20_000 })
        .toEqual([{ provider: 'loopback', destination: 'loopback', inFlight: 0, concurrency: 8, concurrencyLimit: 8, ratePerSecond: null, sentLastSecond: expect.any(Number), suspendedUntil: null, failuresInRow: 0 }]);
      expect((await xport(app, ['status', '--destinations'])).out).toMatch(/loopback\s+│ loopback\s+│ 0\s+│ \d+\s+│ unlimited\s+│ 8\s+│ -\s+│ 0/);
    } finally {
      daemon.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(log).toContain('SIGTERM: stopping');
    expect(JSON.parse((await xport(app, ['status', '--json'])).out).daemon).toBeNull();
    expect((await xport(app, ['status', '--destinations'])).out).toContain('no daemon running');
  });
});
