import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createKernel, toEnvCredentialName, type Kernel } from '../src/index.js';
import { createCaptureLogger, createManualScheduler, createTestApp, nextSettledState, resetFixtureGlobals, type TestApp } from './helpers/test-app.js';
import { KNOWN_SECRETS as K } from '../../../test/support/known-secrets.js';

let app: TestApp | undefined;
let kernel: Kernel | undefined;
beforeEach(resetFixtureGlobals);
afterEach(async () => {
  await kernel?.stop();
  await app?.cleanup();
});

async function writeCredentialFile(root: string, content: unknown, mode: number): Promise<string> {
  const path = join(root, '.xport', 'credentials.json');
  await mkdir(join(root, '.xport'), { recursive: true });
  await writeFile(path, JSON.stringify(content));
  await chmod(path, mode);
  return path;
}

describe('credentials', () => {
  it('names environment variables XPORT_<PROVIDER_ID>_<NAME>, uppercased, dashes as underscores', () => {
    expect(toEnvCredentialName('smtp-primary', 'password')).toBe('XPORT_SMTP_PRIMARY_PASSWORD');
    expect(toEnvCredentialName('logon-rejects', 'apiKey')).toBe('XPORT_LOGON_REJECTS_APIKEY');
  });

  it('reads credentials from the environment and from a 0600 file', async () => {
    app = await createTestApp(['xport-transport-alpha', { fixture: 'xport-transport-beta', scope: '@acme' }]);
    await writeCredentialFile(app.root, { beta: { token: K.betaToken } }, 0o600);
    kernel = createKernel({ root: app.root, env: { XPORT_ALPHA_TOKEN: K.alphaToken } });
    await kernel.start();
    expect(kernel.status().map((r) => r.state)).toEqual(['online', 'online']);
    const token = (id: string) => (kernel!.transport(id) as unknown as { probe: { ownToken: { value: string } } }).probe.ownToken.value;
    expect(token('alpha')).toBe(K.alphaToken);
    expect(token('beta')).toBe(K.betaToken);
  });

  it('ignores the environment when credentials.env is false', async () => {
    app = await createTestApp(['xport-transport-alpha']);
    kernel = createKernel({ root: app.root, env: { XPORT_ALPHA_TOKEN: K.alphaToken }, config: { credentials: { env: false } } });
    await kernel.start();
    expect(kernel.providerState('alpha')).toBe('logon-failed');
  });

  it('refuses a credentials file readable by group or others, telling how to fix it', async () => {
    app = await createTestApp(['logon-rejects', 'xport-hook-audit']);
    const path = await writeCredentialFile(app.root, { 'logon-rejects': { password: K.logonPassword } }, 0o644);
    const logger = createCaptureLogger();
    kernel = createKernel({ root: app.root, env: {}, logger, scheduler: createManualScheduler() });
    const report = await kernel.discover();
    expect(report.credentialProblems[0]).toEqual({
      code: 'XPORT_CREDENTIAL_FILE_REFUSED',
      message: `credentials file ${path} is readable by group or others (mode 0644); run: chmod 600 ${path}`,
    });
    await kernel.start();
    expect(kernel.providerState('logon-rejects')).toBe('logon-failed');
    const row = kernel.status().find((r) => r.id === 'logon-rejects');
    expect(row?.lastError?.code).toBe('XPORT_CREDENTIAL_MISSING');
    expect(row?.lastError?.message).toContain(`credentials file ${path} (refused: XPORT_CREDENTIAL_FILE_REFUSED)`);
    expect(JSON.stringify(logger.lines)).not.toContain(K.logonPassword);
    expect(kernel.providerState('audit')).toBe('online');
  });

  it('re-reads the credentials file at each logon, so a rotated secret is used without a restart', async () => {
    app = await createTestApp(['logon-rejects']);
    const scheduler = createManualScheduler();
    await writeCredentialFile(app.root, { 'logon-rejects': { password: K.wrongPassword } }, 0o600);
    kernel = createKernel({ root: app.root, env: {}, scheduler });
    await kernel.start();
    expect(kernel.providerState('logon-rejects')).toBe('logon-failed');
    await writeCredentialFile(app.root, { 'logon-rejects': { password: K.logonPassword } }, 0o600);
    const settled = nextSettledState(kernel, 'logon-rejects');
    scheduler.fireNext();
    expect(await settled).toBe('online');
  });

  it('prefers programmatic credentials over the environment and the file', async () => {
    app = await createTestApp(['logon-rejects']);
    await writeCredentialFile(app.root, { 'logon-rejects': { password: K.wrongPassword } }, 0o600);
    kernel = createKernel({
      root: app.root,
      env: { XPORT_LOGON_REJECTS_PASSWORD: K.rotatedPassword },
      credentials: { 'logon-rejects': { password: K.logonPassword } },
    });
    await kernel.start();
    expect(kernel.providerState('logon-rejects')).toBe('online');
  });
});
