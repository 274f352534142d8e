import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type CliIO } from '@xport/cli';
import { createE2eApp, type E2eApp } from './test-app.js';
import { FIXTURES, killDaemon, startDaemon, until, type Daemon } from '../faults/support/harness.js';
import { recordOutput } from '../support/output-recorder.js';

const WAIT_MS = 60_000;
const CONTAINED = 'provider left an error unhandled; the kernel contained it';

function config(fromNowhere: boolean) {
  return {
    discovery: { paths: [join(FIXTURES, 'xport-fault-throw-later')] },
    transportOrder: ['loopback', 'throw-later'],
    providers: { 'throw-later': { config: { fromNowhere } } },
    spooler: { pollMs: 100 },
  };
}

interface PublishedRow {
  readonly id: string;
  readonly state: string;
  readonly lastError?: { readonly code: string; readonly message: string };
}

/** A provider's row as the daemon last published it in .xport/daemon.json. */
function publishedRow(root: string, id: string): PublishedRow | undefined {
  try {
    return (JSON.parse(readFileSync(join(root, '.xport', 'daemon.json'), 'utf8')) as { providers: PublishedRow[] }).providers.find((p) => p.id === id);
  } catch {
    return undefined;
  }
}

async function xport(root: string, args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const io: CliIO = { stdout: (s) => void (out += s), stderr: (s) => recordOutput('xport stderr', s), cwd: root, env: {}, interactive: false };
  const code = await runCli(['--root', root, ...args], io);
  return { code, out };
}

describe('errors nobody handled, in the daemon', () => {
  let app: E2eApp | undefined;
  let daemon: Daemon | undefined;
  afterEach(async () => {
    if (daemon?.alive) await killDaemon(daemon);
    await app?.cleanup();
    app = undefined;
    daemon = undefined;
  });

  it('one a provider left behind is logged with its id and contained: the daemon keeps delivering and stops cleanly', async () => {
    app = await createE2eApp(['provider-loopback'], config(false));
    const root = app.root;
    daemon = startDaemon(root, 'info');
    const d = daemon;
    await until('both errors of throw-later contained', () => d.log().split('\n').filter((l) => l.includes(CONTAINED)).length >= 2, WAIT_MS, () => d.tail());
    const lines = d.log().split('\n').filter((l) => l.includes(CONTAINED));
    expect(lines.some((l) => /origin=uncaughtException .*provider=throw-later|provider=throw-later .*origin=uncaughtException/.test(l) && l.includes('a timer of mine threw'))).toBe(true);
    expect(lines.some((l) => l.includes('provider=throw-later') && l.includes('origin=unhandledRejection') && l.includes('a promise of mine was rejected'))).toBe(true);
    expect(d.alive).toBe(true);

    const sent = await xport(root, ['send', '--from', 'loopback:me', '--to', 'loopback:you', '--text', 'after the faults']);
    expect(sent.code).toBe(0);
    await until('delivered after the faults', async () => (await xport(root, ['inbox', 'loopback:you', '--json'])).out.includes('after the faults'), WAIT_MS, () => d.tail());
    // The status row says what happened (daemon.json follows at the next state change or heartbeat).
    await until('the fault in the status row', () => publishedRow(root, 'throw-later')?.lastError?.code === 'XPORT_PROVIDER_FAULT', WAIT_MS, () => d.tail());
    expect(publishedRow(root, 'throw-later')).toMatchObject({ state: 'online', lastError: { message: expect.stringMatching(/^provider "throw-later" (threw an exception nothing caught|rejected a promise nothing handled): Error: throw-later: /) } });

    d.child.kill('SIGTERM');
    expect(await d.exited).toEqual({ code: 0, signal: null });
    expect(d.log()).toContain('stopped');
  }, 180_000);

  it('one that comes from no provider is fatal, as in Node, but the daemon first stops cleanly and exits 1', async () => {
    app = await createE2eApp(['provider-loopback'], config(true));
    const root = app.root;
    daemon = startDaemon(root, 'info');
    const d = daemon;
    expect(await d.exited).toEqual({ code: 1, signal: null });
    expect(d.log()).toContain('uncaughtException that came from no provider; stopping');
    expect(d.log()).toContain('an error with no trace of where it came from');
    expect(d.log()).toContain('uncaughtException from no provider: stopping (in-flight sends finish, the rest stays queued)');
    expect(d.log()).toContain('stopped');
    expect(d.log()).not.toContain(CONTAINED);
    expect(existsSync(join(root, '.xport', 'daemon.json'))).toBe(false);
  }, 180_000);
});
