import { execFile, spawn } from 'node:child_process';
import { copyFile, mkdtemp, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type CliIO } from '@xport/cli';
import { REPO } from './test-app.js';

// Every example runs here, as its README says to run it, so none of them can rot.
const run = promisify(execFile);
const EXAMPLES = join(REPO, 'examples');

function captureIO(cwd: string): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: (s) => void (out += s), stderr: (s) => void (err += s), cwd, env: {}, interactive: false, out: () => out, err: () => err };
}

describe('examples/custom-stack', () => {
  it('routes a mixed-recipient message through loopback, SMTP and webhook, tags it, and rejects a blocked domain', { timeout: 90_000 }, async () => {
    const { stdout } = await run(process.execPath, [join(EXAMPLES, 'custom-stack', 'src', 'main.mjs')], { cwd: join(EXAMPLES, 'custom-stack'), timeout: 60_000 });
    const lines = stdout.split('\n');
    for (const [id, kind] of [['store-sqlite', 'store'], ['loopback', 'transport'], ['smtp', 'transport'], ['webhook', 'transport'], ['subject-tagger', 'hook']]) {
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^  ${id}\\s+${kind}\\s+online$`)));
    }
    const routes = lines.slice(lines.findIndex((l) => l.startsWith('routes for message')) + 1, lines.indexOf('outcomes:'));
    expect(routes).toEqual([
      '  Alice <loopback:alice> -> loopback',
      '  smtp:bob@example.net -> smtp',
      expect.stringMatching(/^ {2}https:http:\/\/127\.0\.0\.1:\d+\/hooks\/orders -> webhook$/),
      '  fax:+33123456789 -> (no transport for this address type)',
    ]);
    const outcomes = lines.slice(lines.indexOf('outcomes:') + 1, lines.indexOf('far ends:'));
    expect(outcomes).toEqual([
      '  Alice <loopback:alice> delivered by loopback',
      '  smtp:bob@example.net delivered by smtp',
      expect.stringMatching(/^ {2}https:http:\/\/127\.0\.0\.1:\d+\/hooks\/orders delivered by webhook$/),
      expect.stringMatching(/^ {2}fax:\+33123456789 failed 5\.\d\.\d .*fax/),
    ]);
    expect(stdout).toContain('  loopback inbox loopback:alice: "[custom-stack] Order 42 shipped"');
    expect(stdout).toContain('  smtp sink: bob@example.net "[custom-stack] Order 42 shipped" X-Custom-Stack: tagged');
    expect(stdout).toContain('  webhook receiver: /hooks/orders signature verified "[custom-stack] Order 42 shipped"');
    expect(stdout).toMatch(/^blocked message: rejected XPORT_MESSAGE_REJECTED: outbound hook 'subject-tagger' .*carol@blocked\.example.*blocked by policy/m);
  });
});

describe('examples/hello with the CLI', () => {
  let root: string | undefined;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
    root = undefined;
  });

  it('send queues, the daemon delivers, inbox shows it', { timeout: 90_000 }, async () => {
    // A copy of the example's configuration, with its installed node_modules, so the example folder stays clean.
    root = await realpath(await mkdtemp(join(tmpdir(), 'xport-hello-')));
    await copyFile(join(EXAMPLES, 'hello', 'xport.config.json'), join(root, 'xport.config.json'));
    await copyFile(join(EXAMPLES, 'hello', 'package.json'), join(root, 'package.json'));
    await symlink(join(EXAMPLES, 'hello', 'node_modules'), join(root, 'node_modules'), 'dir');
    const xport = async (args: string[]) => {
      const io = captureIO(root!);
      const code = await runCli(['--root', root!, ...args], io);
      return { code, out: io.out(), err: io.err() };
    };

    const sent = await xport(['send', '--from', 'loopback:me', '--to', 'loopback:you', '--subject', 'hi', '--text', 'hello, xport', '--json']);
    expect(sent.code).toBe(0);
    expect(JSON.parse(sent.out).recipients).toEqual([expect.objectContaining({ provider: 'loopback', state: 'queued' })]);

    const bin = join(EXAMPLES, 'hello', 'node_modules', '@xport', 'cli', 'dist', 'bin.js');
    const daemon = spawn(process.execPath, [bin, '--root', root, 'start'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    daemon.stderr.on('data', (chunk) => void (log += String(chunk)));
    const exited = new Promise<number | null>((resolve) => daemon.on('exit', resolve));
    try {
      await expect.poll(() => log, { timeout: 20_000 }).toContain('xport daemon running');
      await expect
        .poll(async () => JSON.parse((await xport(['inbox', 'loopback:you', '--json'])).out).map((e: { envelope: { subject: string }; text: string }) => [e.envelope.subject, e.text]), { timeout: 20_000 })
        .toEqual([['hi', 'hello, xport']]);
    } finally {
      daemon.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
