import { spawn } from 'node:child_process';
import { access, cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createE2eApp, PACKAGES, type E2eApp } from './test-app.js';
import { recordOutput } from '../support/output-recorder.js';

const BIN = join(PACKAGES, 'cli', 'dist', 'bin.js');
// A real hook package: refuses outbound mail whose subject holds "[blocked]" (or a word from its words file).
const POLICY_HOOK = join(PACKAGES, 'core', 'test', 'fixtures', 'providers', 'hook-subject-policy');

/** The installed CLI, as a user runs it: a child process; resolves with its exit code and output. */
function xport(app: E2eApp, args: readonly string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--root', app.root, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => void (out += String(chunk)));
    child.stderr.on('data', (chunk) => void (err += String(chunk)));
    child.on('error', reject);
    child.on('close', (code) => {
      recordOutput('cli stdout', out);
      recordOutput('cli stderr', err);
      resolve({ code, out, err });
    });
  });
}

async function policyApp(policyConfig: Record<string, unknown>, advisory = false): Promise<E2eApp> {
  const app = await createE2eApp(['provider-loopback', 'provider-sdk'], { transportOrder: ['loopback'], providers: { 'subject-policy': { config: policyConfig } } });
  const directory = join(app.root, 'node_modules', 'xport-hook-subject-policy');
  await cp(POLICY_HOOK, directory, { recursive: true });
  if (advisory) {
    const pkg = JSON.parse(await readFile(join(directory, 'package.json'), 'utf8')) as { xport: Record<string, unknown> };
    pkg.xport.advisory = true;
    await writeFile(join(directory, 'package.json'), JSON.stringify(pkg));
  }
  return app;
}

const SEND_BLOCKED = ['send', '--from', 'loopback:me', '--to', 'loopback:you', '--subject', '[blocked] cheap offer', '--text', 'hello'];

describe('xport send with a policy hook that cannot come online', () => {
  let app: E2eApp | undefined;
  afterEach(async () => app?.cleanup());

  it('refuses the message (non-zero exit, XPORT_HOOK_UNAVAILABLE naming the hook) and queues nothing; doctor names the problem', { timeout: 120_000 }, async () => {
    app = await policyApp({ blockedWord: 42 });
    const sent = await xport(app, SEND_BLOCKED);
    expect(sent.code).toBe(1);
    expect(sent.out).toBe('');
    expect(sent.err).toContain("xport: XPORT_HOOK_UNAVAILABLE: outbound hook 'subject-policy' is not online (state invalid: XPORT_PROVIDER_CONFIG_INVALID");
    expect(JSON.parse((await xport(app, ['queue', '--json'])).out)).toEqual([]);
    const doctor = await xport(app, ['doctor', '--json']);
    expect(doctor.code).toBe(1);
    expect(JSON.parse(doctor.out).findings).toContainEqual(expect.objectContaining({ subject: 'subject-policy', code: 'XPORT_PROVIDER_CONFIG_INVALID' }));
  });

  it('queues the message with a warning when the hook declares itself advisory', { timeout: 120_000 }, async () => {
    app = await policyApp({ blockedWord: 42 }, true);
    const sent = await xport(app, [...SEND_BLOCKED, '--json']);
    expect(sent.code).toBe(0);
    expect(sent.err).toContain("WARN  advisory hook 'subject-policy' is not online (state invalid: XPORT_PROVIDER_CONFIG_INVALID");
    expect(sent.err).toContain('messages pass it unchecked until it is back');
    const { messageId } = JSON.parse(sent.out) as { messageId: string };
    expect(JSON.parse((await xport(app, ['queue', '--json'])).out)).toEqual([expect.objectContaining({ id: messageId })]);
  });

  it('doctor loads the hook: it reports a logon that fails, writes no store, and passes once the hook can log on', { timeout: 120_000 }, async () => {
    app = await policyApp({ wordsFile: 'blocked-words.txt' });
    const doctor = await xport(app, ['doctor', '--json']);
    expect(doctor.code).toBe(1);
    expect(JSON.parse(doctor.out).findings).toEqual([
      {
        severity: 'error',
        subject: 'subject-policy',
        code: 'XPORT_LOGON_FAILED',
        message: `hook "subject-policy" did not come online when loaded (state logon-failed): subject-policy: cannot read words file ${join(app.root, 'blocked-words.txt')} (ENOENT)`,
      },
    ]);
    await expect(access(join(app.root, '.xport', 'store.db'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await xport(app, SEND_BLOCKED)).err).toContain("XPORT_HOOK_UNAVAILABLE: outbound hook 'subject-policy' is not online (state logon-failed");

    await writeFile(join(app.root, 'blocked-words.txt'), 'lottery\n');
    const healthy = await xport(app, ['doctor']);
    expect(healthy.code).toBe(0);
    expect(healthy.out).toContain('configuration, credentials and hooks valid');
    // Online, the hook judges: its blocked word is refused by the hook itself, other mail is queued.
    const refused = await xport(app, [...SEND_BLOCKED.slice(0, -4), '--subject', 'you won the lottery', '--text', 'x']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("XPORT_MESSAGE_REJECTED: outbound hook 'subject-policy' rejected the message: subject holds the blocked word \"lottery\"");
    expect((await xport(app, [...SEND_BLOCKED.slice(0, -4), '--subject', 'minutes', '--text', 'x'])).code).toBe(0);
  });
});
