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
  await mkdir(join(root, '.xport'), { recursive: true, mode: 0o700 });
  await writeFile(path, JSON.stringify(content));
  await chmod(path, mode);
  return path;
}

describe('credentials', () => {
  it('names environment variables XPORT_<ID>__<NAME>: dashes as underscores, camelCase split into words', () => {
    expect(toEnvCredentialName('smtp', 'password')).toBe('XPORT_SMTP__PASSWORD');
    expect(toEnvCredentialName('smtp-primary', 'password')).toBe('XPORT_SMTP_PRIMARY__PASSWORD');
    expect(toEnvCredentialName('smtp', 'primaryPassword')).toBe('XPORT_SMTP__PRIMARY_PASSWORD');
    expect(toEnvCredentialName('smtp', 'oauth2AccessToken')).toBe('XPORT_SMTP__OAUTH2_ACCESS_TOKEN');
    expect(toEnvCredentialName('logon-rejects', 'apiKey')).toBe('XPORT_LOGON_REJECTS__API_KEY');
  });

  it('hands provider smtp-primary its password and provider smtp its primaryPassword, never the other one', async () => {
    app = await createTestApp(['cred-smtp', 'cred-smtp-primary']);
    kernel = createKernel({
      root: app.root,
      env: { XPORT_SMTP_PRIMARY__PASSWORD: K.alphaToken, XPORT_SMTP__PRIMARY_PASSWORD: K.betaToken },
      scheduler: createManualScheduler(),
    });
    await kernel.start();
    const secret = (id: string) => (kernel!.transport(id) as unknown as { probe: { secret: string } }).probe.secret;
    expect(secret('smtp-primary')).toBe(K.alphaToken);
    expect(secret('smtp')).toBe(K.betaToken);
  });

  it('does not use a credential left under its old variable name, and names the variable to set instead', async () => {
    app = await createTestApp(['cred-smtp', 'cred-smtp-primary']);
    // The 0.1 name both providers read: the collision itself.
    const logger = createCaptureLogger();
    kernel = createKernel({ root: app.root, env: { XPORT_SMTP_PRIMARY_PASSWORD: K.alphaToken }, logger, scheduler: createManualScheduler() });
    const report = await kernel.discover();
    expect(report.credentialProblems.filter((p) => p.code === 'XPORT_CREDENTIAL_ENV_RENAMED')).toEqual([
      expect.objectContaining({
        provider: 'smtp',
        credential: 'primaryPassword',
        message: expect.stringContaining('environment variable XPORT_SMTP_PRIMARY_PASSWORD is set, but xport no longer reads that name; its value is not used. Rename it to XPORT_SMTP__PRIMARY_PASSWORD'),
      }),
      expect.objectContaining({
        provider: 'smtp-primary',
        credential: 'password',
        message: expect.stringContaining('Rename it to XPORT_SMTP_PRIMARY__PASSWORD'),
      }),
    ]);
    await kernel.start();
    for (const id of ['smtp', 'smtp-primary']) {
      expect(kernel.providerState(id)).toBe('logon-failed');
      const error = kernel.status().find((r) => r.id === id)?.lastError;
      expect(error?.code).toBe('XPORT_CREDENTIAL_MISSING');
      expect(error?.message).toContain('XPORT_SMTP_PRIMARY_PASSWORD is set but is an old name, not read: rename it to XPORT_SMTP');
    }
    // Warned once per credential (not at every lookup), never with the value.
    expect(logger.lines.filter((l) => l.fields.code === 'XPORT_CREDENTIAL_ENV_RENAMED' && l.level === 'warn').map((l) => l.message)).toEqual([
      expect.stringContaining('Rename it to XPORT_SMTP__PRIMARY_PASSWORD'),
      expect.stringContaining('Rename it to XPORT_SMTP_PRIMARY__PASSWORD'),
    ]);
    expect(JSON.stringify(logger.lines)).not.toContain(K.alphaToken);
  });

  it('recognises the one-word and the word-split old forms of a camelCase name', async () => {
    app = await createTestApp(['cred-smtp']);
    for (const old of ['XPORT_SMTP_PRIMARYPASSWORD', 'XPORT_SMTP_PRIMARY_PASSWORD']) {
      const report = await createKernel({ root: app.root, env: { [old]: K.betaToken } }).discover();
      expect(report.credentialProblems.map((p) => [p.code, p.message.includes(`variable ${old} is set`)])).toContainEqual(['XPORT_CREDENTIAL_ENV_RENAMED', true]);
    }
    // Set under the new name, the old one is ignored without a word.
    const report = await createKernel({ root: app.root, env: { XPORT_SMTP_PRIMARYPASSWORD: K.alphaToken, XPORT_SMTP__PRIMARY_PASSWORD: K.betaToken } }).discover();
    expect(report.credentialProblems).toEqual([]);
  });

  it('reads credentials from the environment and from a 0600 file', async () => {
    app = await createTestApp(['xport-transport-alpha', { fixture: 'xport-transport-beta', scope: '@acme' }]);
    await writeCredentialFile(app.root, { beta: { token: K.betaToken } }, 0o600);
    kernel = createKernel({ root: app.root, env: { XPORT_ALPHA__TOKEN: K.alphaToken } });
    await kernel.start();
    expect(kernel.status().map((r) => r.state)).toEqual(['online', 'online']);
    const token = (id: string) => (kernel!.transport(id) as unknown as { probe: { ownToken: { value: string } } }).probe.ownToken.value;
    expect(token('alpha')).toBe(K.alphaToken);
    expect(token('beta')).toBe(K.betaToken);
  });

  it('ignores the environment when credentials.env is false', async () => {
    app = await createTestApp(['xport-transport-alpha']);
    kernel = createKernel({ root: app.root, env: { XPORT_ALPHA__TOKEN: K.alphaToken }, config: { credentials: { env: false } } });
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
      env: { XPORT_LOGON_REJECTS__PASSWORD: K.rotatedPassword },
      credentials: { 'logon-rejects': { password: K.logonPassword } },
    });
    await kernel.start();
    expect(kernel.providerState('logon-rejects')).toBe('online');
  });
});
