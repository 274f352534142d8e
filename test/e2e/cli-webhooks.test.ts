import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createE2eApp, PACKAGES, type E2eApp } from './test-app.js';
import { recordOutput, registerSecret, unregisterSecret } from '../support/output-recorder.js';

const BIN = join(PACKAGES, 'cli', 'dist', 'bin.js');

function xport(root: string, args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [BIN, '--root', root, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output += chunk.toString();
    recordOutput('xport output', chunk.toString());
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

const webhooks = [{ id: 'orders', url: 'https://hooks.example.org/xport', secret: 'ordersSecret' }];

describe('xport start with webhooks configured', () => {
  let app: E2eApp | undefined;
  afterEach(async () => app?.cleanup());

  it('exits 78 before any provider starts when the signing secret is not set, naming where it looked', async () => {
    app = await createE2eApp(['provider-loopback'], { transportOrder: ['loopback'], webhooks });
    const started = await xport(app.root, ['start']);
    expect(started.code).toBe(78);
    expect(started.output).toContain('xport: XPORT_CREDENTIAL_MISSING: ');
    expect(started.output).toContain('XPORT_WEBHOOKS__ORDERS_SECRET');
    expect(started.output).not.toContain('provider loopback');
    expect(existsSync(join(app.root, '.xport', 'daemon.json'))).toBe(false);
  }, 120_000);

  it('exits 78 when the signing secret is not a whsec_ secret, without showing it', async () => {
    const secret = 'ks-not-a-webhook-secret-5d0c7e';
    registerSecret('malformed webhook secret', secret);
    try {
      app = await createE2eApp(['provider-loopback'], { transportOrder: ['loopback'], webhooks });
      const started = await xport(app.root, ['start'], { XPORT_WEBHOOKS__ORDERS_SECRET: secret });
      expect(started.code).toBe(78);
      expect(started.output).toContain('xport: XPORT_WEBHOOK_SECRET_INVALID: webhook "orders" (credential "ordersSecret" of "webhooks"): the signing secret must start with "whsec_"');
      expect(started.output).not.toContain(secret);
    } finally {
      unregisterSecret(secret);
    }
  }, 120_000);

  it('exits 78 on a webhook URL that is not http(s)', async () => {
    app = await createE2eApp(['provider-loopback'], { transportOrder: ['loopback'], webhooks: [{ ...webhooks[0], url: 'file:///etc/passwd' }] });
    const started = await xport(app.root, ['start']);
    expect(started.code).toBe(78);
    expect(started.output).toContain('xport: XPORT_CONFIG_INVALID: ');
    expect(started.output).toContain('/webhooks/0/url');
  }, 120_000);
});

describe('xport status with webhooks', () => {
  let app: E2eApp | undefined;
  afterEach(async () => app?.cleanup());

  it("shows each endpoint the running daemon published: state, lag, counts, last error; --json carries them as a list", async () => {
    app = await createE2eApp(['provider-loopback'], { transportOrder: ['loopback'], webhooks });
    const row = {
      id: 'orders',
      url: 'https://hooks.example.org/xport',
      state: 'failing',
      since: Date.UTC(2026, 11, 2, 9, 0, 0),
      nextAttemptAt: Date.UTC(2026, 11, 2, 9, 5, 0),
      lastError: { code: 'XPORT_WEBHOOK_DELIVERY_FAILED', message: 'POST https://hooks.example.org/xport answered 503', at: Date.UTC(2026, 11, 2, 9, 1, 0) },
      cursor: 40,
      lagEvents: 17,
      delivered: 40,
      failedAttempts: 4,
      dropped: 1,
    };
    // The record a daemon publishes; this test's own process stands in as the live daemon.
    await mkdir(join(app.root, '.xport'), { recursive: true, mode: 0o700 });
    const record = { pid: process.pid, startedAt: Date.now(), updatedAt: Date.now(), phase: 'running', providers: [], destinations: [], webhooks: [row] };
    await writeFile(join(app.root, '.xport', 'daemon.json'), JSON.stringify(record), { mode: 0o600 });

    const table = await xport(app.root, ['status']);
    expect(table.code).toBe(0);
    for (const text of ['orders', 'https://hooks.example.org/xport', 'failing since', '17', 'XPORT_WEBHOOK_DELIVERY_FAILED: POST https://hooks.example.org/xport answered 503']) expect(table.output).toContain(text);
    const json = await xport(app.root, ['status', '--json']);
    expect((JSON.parse(json.output) as { webhooks: unknown[] }).webhooks).toEqual([row]);
  }, 120_000);
});
