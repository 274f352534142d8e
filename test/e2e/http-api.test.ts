import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KNOWN_SECRETS as K } from '../support/known-secrets.js';
import { apiUrlOf, createApiClient, spawnDaemon, type RunningDaemon } from './http-daemon.js';
import { createE2eApp, type E2eApp } from './test-app.js';

let app: E2eApp | undefined;
let daemon: RunningDaemon | undefined;
afterEach(async () => {
  if (daemon && daemon.child.exitCode === null) {
    daemon.child.kill('SIGTERM');
    await daemon.exited;
  }
  daemon = undefined;
  await app?.cleanup();
  app = undefined;
});

const config = (http: Record<string, unknown> = {}) => ({ store: { provider: 'store-sqlite' }, transportOrder: ['loopback'], http: { enabled: true, port: 0, ...http } });

interface StoredMessage {
  readonly recipients: Array<{ recipient: { address: string }; state: string }>;
}

describe('xport start with the HTTP API on', () => {
  it('accepts a message over HTTP, follows it to delivered, serves the inbox, metrics and readiness, and stops cleanly', { timeout: 120_000 }, async () => {
    app = await createE2eApp(['provider-loopback', 'store-sqlite'], config());
    daemon = spawnDaemon(app.root, { XPORT_HTTP__TOKEN: K.httpApiToken });
    const url = await apiUrlOf(daemon);
    const api = await createApiClient(url);
    const token = K.httpApiToken;

    expect((await api('/v1/queue')).status).toBe(401);
    const ready = await api('/readyz');
    expect(ready.status).toBe(200);

    const submitted = await api('/v1/messages', {
      method: 'POST',
      token,
      headers: { 'content-type': 'application/json', 'idempotency-key': '"e2e-1"' },
      body: JSON.stringify({ from: 'loopback:me', to: ['loopback:you', 'fax:+3312'], subject: 'over HTTP', text: 'hello from curl' }),
    });
    expect(submitted.status).toBe(202);
    const receipt = submitted.json<{ messageId: string; href: string }>();
    expect(submitted.headers.get('location')).toBe(receipt.href);

    await expect
      .poll(async () => (await api(receipt.href, { token })).json<StoredMessage>().recipients.map((r) => [r.recipient.address, r.state]), { timeout: 30_000 })
      .toEqual([
        ['you', 'delivered'],
        ['+3312', 'failed'],
      ]);

    const inbox = (await api('/v1/inbox/loopback:you', { token })).json<{ entries: Array<{ envelope: { subject: string }; parts: Array<{ href: string }> }> }>();
    expect(inbox.entries.map((e) => e.envelope.subject)).toEqual(['over HTTP']);
    expect((await api(inbox.entries[0]!.parts[0]!.href, { token })).text).toBe('hello from curl');
    // The sender's report about the fax recipient no transport takes.
    const reports = (await api('/v1/inbox/loopback:me', { token })).json<{ entries: Array<{ envelope: { kind: string; reportFor?: string } }> }>();
    expect(reports.entries.map((e) => e.envelope)).toEqual([expect.objectContaining({ kind: 'report.ndr', reportFor: receipt.messageId })]);

    const providers = (await api('/v1/providers', { token })).json<{ providers: Array<{ id: string; state: string }> }>();
    expect(providers.providers.map((p) => [p.id, p.state])).toEqual(expect.arrayContaining([['loopback', 'online'], ['store-sqlite', 'online']]));
    const metrics = (await api('/metrics', { token })).text;
    expect(metrics).toMatch(/^xport_messages_submitted_total 1$/m);
    expect(metrics).toMatch(/^xport_recipients_total\{provider="loopback",outcome="delivered"\} 1$/m);
    expect(metrics).toMatch(/^process_resident_memory_bytes \d+/m);

    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
    await expect(fetch(`${url}/livez`)).rejects.toThrow();
    expect(daemon.output()).not.toContain(K.httpApiToken);
  });

  it('reads a rotated token from the credentials file on SIGHUP', { timeout: 120_000 }, async () => {
    app = await createE2eApp(['provider-loopback', 'store-sqlite'], config());
    const writeToken = async (token: string) => {
      await mkdir(join(app!.root, '.xport'), { recursive: true, mode: 0o700 });
      const file = join(app!.root, '.xport', 'credentials.json');
      await writeFile(file, JSON.stringify({ http: { token } }));
      await chmod(file, 0o600);
    };
    await writeToken(K.httpApiToken);
    daemon = spawnDaemon(app.root);
    const api = await createApiClient(await apiUrlOf(daemon));
    expect((await api('/v1/providers', { token: K.httpApiToken })).status).toBe(200);

    await writeToken(K.rotatedPassword);
    daemon.child.kill('SIGHUP');
    await expect.poll(() => daemon!.output(), { timeout: 30_000 }).toContain('HTTP API tokens read again');
    expect((await api('/v1/providers', { token: K.httpApiToken })).status).toBe(401);
    expect((await api('/v1/providers', { token: K.rotatedPassword })).status).toBe(200);
  });

  it('refuses to start on an address off this machine without a token: exit 78, and nothing started', { timeout: 120_000 }, async () => {
    app = await createE2eApp(['provider-loopback', 'store-sqlite'], config({ host: '0.0.0.0' }));
    daemon = spawnDaemon(app.root);
    expect(await daemon.exited).toBe(78);
    expect(daemon.output()).toMatch(/xport: XPORT_CREDENTIAL_MISSING: the HTTP API would listen on 0\.0\.0\.0:0, which is not a loopback address, without an API token: set credential "token" of "http" \(searched: .*environment variable XPORT_HTTP__TOKEN/);
    expect(daemon.output()).not.toContain('provider loopback');
    expect(existsSync(join(app.root, '.xport', 'daemon.json'))).toBe(false);
  });
});
