import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KNOWN_SECRETS as K } from '../support/known-secrets.js';
import { createOpenApiChecker } from '../support/openapi-check.js';
import { recordOutput } from '../support/output-recorder.js';
import { apiUrlOf, type RunningDaemon } from './http-daemon.js';
import { REPO } from './test-app.js';

// Runs examples/http-service as its README says: the daemon, then the README's curl commands.
const EXAMPLE = join(REPO, 'examples', 'http-service');

/** The shell block under "## Use it" in the README. */
async function readmeCommands(): Promise<string> {
  const readme = await readFile(join(EXAMPLE, 'README.md'), 'utf8');
  const block = /## Use it[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme);
  if (block === null) throw new Error('examples/http-service/README.md has no sh block under "## Use it"');
  return block[1]!;
}

function run(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (code) => {
      recordOutput('example commands', stdout + stderr);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('examples/http-service', () => {
  let root: string | undefined;
  let daemon: RunningDaemon | undefined;
  afterEach(async () => {
    if (daemon && daemon.child.exitCode === null) daemon.child.kill('SIGKILL');
    if (root) await rm(root, { recursive: true, force: true });
    root = undefined;
  });

  it('runs the daemon with the API on; the README\'s curl commands submit, follow, read and scrape', { timeout: 120_000 }, async () => {
    // A copy of the example with its installed node_modules, on a free port instead of 8580.
    root = await realpath(await mkdtemp(join(tmpdir(), 'xport-http-service-')));
    const config = JSON.parse(await readFile(join(EXAMPLE, 'xport.config.json'), 'utf8')) as { http: { port: number } };
    expect(config.http.port).toBe(8580);
    await writeFile(join(root, 'xport.config.json'), JSON.stringify({ ...config, http: { ...config.http, port: 0 } }));
    await copyFile(join(EXAMPLE, 'package.json'), join(root, 'package.json'));
    await symlink(join(EXAMPLE, 'node_modules'), join(root, 'node_modules'), 'dir');
    const env = { XPORT_HTTP__TOKEN: K.httpApiToken };

    const bin = join(EXAMPLE, 'node_modules', '@xport', 'cli', 'dist', 'bin.js');
    const child = spawn(process.execPath, [bin, '--root', root, 'start'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let output = '';
    child.stderr.on('data', (chunk) => {
      output += String(chunk);
      recordOutput('xport daemon', String(chunk));
    });
    daemon = { child, output: () => output, exited: new Promise((resolve) => child.on('close', resolve)) };
    const url = await apiUrlOf(daemon);

    const commands = (await readmeCommands()).replace('API=http://127.0.0.1:8580', `API=${url}`);
    expect(commands).toContain(`API=${url}`);
    const result = await run('bash', ['-euo', 'pipefail', '-c', commands], root, env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    const lines = result.stdout.trim().split('\n');
    const json = lines.slice(0, 11).map((line) => JSON.parse(line) as Record<string, unknown>);
    const [ready, receipt, message, ada, service, queue, providers, dryHold, hold, release, events] = json;
    const id = receipt!.messageId as string;
    // Each answer as the API documents it.
    const check = createOpenApiChecker(await (await fetch(`${url}/v1/openapi.json`)).json());
    const routes: Array<[string, number]> = [['/readyz', 200], ['/v1/messages', 202], [`/v1/messages/${id}`, 200], ['/v1/inbox/loopback:ada', 200], ['/v1/inbox/loopback:service', 200], ['/v1/queue', 200], ['/v1/providers', 200]];
    routes.forEach(([path, status], i) => check({ method: status === 202 ? 'POST' : 'GET', url: path, status, contentType: 'application/json', body: lines[i]! }));
    ['/v1/queue/hold', '/v1/queue/hold', '/v1/queue/release'].forEach((path, i) => check({ method: 'POST', url: path, status: 200, contentType: 'application/json', body: lines[7 + i]! }));
    check({ method: 'GET', url: `/v1/events?follow=false&message=${id}`, status: 200, contentType: 'application/json', body: lines[10]! });

    expect(ready).toMatchObject({ status: 'ready', transports: { online: ['loopback'] } });
    expect(receipt).toMatchObject({ duplicate: false, recipients: [{ state: 'queued' }, { state: 'queued' }] });
    expect((message!.recipients as Array<{ state: string }>).map((r) => r.state)).toEqual(['delivered', 'failed']);
    expect((ada!.entries as Array<{ envelope: { subject: string } }>).map((e) => e.envelope.subject)).toEqual(['Welcome']);
    expect((service!.entries as Array<{ envelope: { kind: string; reportFor: string } }>).map((e) => e.envelope)).toEqual([expect.objectContaining({ kind: 'report.ndr', reportFor: id })]);
    expect(queue).toEqual({ recipients: [], nextCursor: null });
    // Everything was delivered or reported: nothing to hold.
    expect(dryHold).toMatchObject({ operation: 'hold', dryRun: true, changed: 0 });
    expect(hold).toMatchObject({ operation: 'hold', dryRun: false, changed: 0 });
    expect(release).toMatchObject({ operation: 'release', changed: 0 });
    // The message's events: submitted, then each recipient's outcome (in the order they settled).
    const said = (events!.events as Array<{ type: string; recipientIndex?: number }>).map((e) => [e.type, e.recipientIndex]);
    expect(said[0]).toEqual(['submitted', undefined]);
    expect(said.slice(1).sort()).toEqual([
      ['delivered', 0],
      ['failed', 1],
    ]);
    expect((providers!.providers as Array<{ id: string; state: string }>).map((p) => [p.id, p.state])).toEqual([
      ['loopback', 'online'],
      ['store-sqlite', 'online'],
    ]);
    expect(lines.slice(11)).toEqual([
      'xport_messages_submitted_total 1',
      'xport_recipients_total{provider="loopback",outcome="delivered"} 1',
      'xport_recipients_total{provider="loopback",outcome="failed"} 1',
    ]);

    child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
  });
});
