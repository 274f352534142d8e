import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from '../../src/index.js';
import { createCaptureLogger, createManualScheduler, fixtureLog, nextSettledState, resetFixtureGlobals, type TestApp } from '../helpers/test-app.js';
import { KNOWN_SECRETS as K } from '../../../../test/support/known-secrets.js';
import { recordOutput } from '../../../../test/support/output-recorder.js';
import { createSecurityApp, writeCredentialFile } from './security-app.js';

let app: TestApp | undefined;
let kernel: Kernel | undefined;
beforeEach(() => {
  resetFixtureGlobals();
  delete (globalThis as Record<string, unknown>).__xportNeverRequiresKey;
});
afterEach(async () => {
  // Every status row a test produced goes to the suite-wide leak check.
  if (kernel) recordOutput('kernel status', kernel.status());
  await kernel?.stop();
  await app?.cleanup();
  kernel = undefined;
});

const rowOf = (k: Kernel, id: string) => k.status().find((r) => r.id === id);
const usedKey = () => (globalThis as Record<string, unknown>).__xportNeverRequiresKey;

describe('credentials at logon', () => {
  it('keeps a provider with a missing required credential logon-failed even though it never calls require()', async () => {
    app = await createSecurityApp([], ['never-requires']);
    const env: NodeJS.ProcessEnv = {};
    const scheduler = createManualScheduler();
    kernel = createKernel({ root: app.root, env, scheduler, logger: createCaptureLogger() });
    await kernel.start();
    expect(kernel.providerState('never-requires')).toBe('logon-failed');
    const error = rowOf(kernel, 'never-requires')?.lastError;
    expect(error?.code).toBe('XPORT_CREDENTIAL_MISSING');
    expect(error?.message).toMatch(
      /^provider "never-requires" needs credential "apiKey", which no source has \(searched: createKernel\(\{ credentials \}\); environment variable XPORT_NEVER_REQUIRES__API_KEY; credentials file .*\.xport\/credentials\.json\)$/,
    );
    // The kernel refused before the provider's own logon ran; the optional "label" is not demanded.
    expect(fixtureLog()).not.toContain('never-requires:logon');

    // The retry re-reads the sources: the key appears in the environment, the next attempt logs on.
    env.XPORT_NEVER_REQUIRES__API_KEY = K.betaApiKey;
    const settled = nextSettledState(kernel, 'never-requires');
    scheduler.fireNext();
    expect(await settled).toBe('online');
    expect(usedKey()).toBe(K.betaApiKey);
  });

  it('picks up an environment value changed between two logons, on revalidate()', async () => {
    app = await createSecurityApp([], ['never-requires']);
    const env: NodeJS.ProcessEnv = { XPORT_NEVER_REQUIRES__API_KEY: K.betaApiKey };
    kernel = createKernel({ root: app.root, env, scheduler: createManualScheduler() });
    await kernel.start();
    expect(usedKey()).toBe(K.betaApiKey);
    env.XPORT_NEVER_REQUIRES__API_KEY = K.rotatedPassword;
    expect(await kernel.revalidate('never-requires')).toBe('online');
    expect(usedKey()).toBe(K.rotatedPassword);
    delete env.XPORT_NEVER_REQUIRES__API_KEY;
    expect(await kernel.revalidate('never-requires')).toBe('logon-failed');
    expect(rowOf(kernel, 'never-requires')?.lastError?.code).toBe('XPORT_CREDENTIAL_MISSING');
  });

  it('picks up a credentials file changed between two logons, on revalidate(), and masks old and new values', async () => {
    app = await createSecurityApp(['logon-rejects'], []);
    await writeCredentialFile(app.root, { 'logon-rejects': { password: K.wrongPassword } });
    const logger = createCaptureLogger();
    kernel = createKernel({ root: app.root, env: {}, logger, scheduler: createManualScheduler() });
    await kernel.start();
    expect(kernel.providerState('logon-rejects')).toBe('logon-failed');
    expect(rowOf(kernel, 'logon-rejects')?.lastError).toEqual({ code: 'XPORT_LOGON_FAILED', message: 'logon-rejects: server refused password [redacted]' });

    await writeCredentialFile(app.root, { 'logon-rejects': { password: K.logonPassword } });
    expect(await kernel.revalidate('logon-rejects')).toBe('online');

    await writeCredentialFile(app.root, { 'logon-rejects': { password: K.rotatedPassword } });
    expect(await kernel.revalidate('logon-rejects')).toBe('logon-failed');
    const seen = JSON.stringify([kernel.status(), logger.lines]);
    expect(seen).toContain('server refused password [redacted]');
    for (const value of [K.wrongPassword, K.logonPassword, K.rotatedPassword]) expect(seen).not.toContain(value);
  });

  it('combines the sources in order: programmatic, then environment, then file', async () => {
    const outcome = async (sources: { programmatic?: string; env?: string; file?: string }) => {
      app = await createSecurityApp(['logon-rejects'], []);
      if (sources.file !== undefined) await writeCredentialFile(app.root, { 'logon-rejects': { password: sources.file } });
      kernel = createKernel({
        root: app.root,
        env: sources.env === undefined ? {} : { XPORT_LOGON_REJECTS__PASSWORD: sources.env },
        ...(sources.programmatic === undefined ? {} : { credentials: { 'logon-rejects': { password: sources.programmatic } } }),
        scheduler: createManualScheduler(),
      });
      await kernel.start();
      const state = kernel.providerState('logon-rejects');
      recordOutput('kernel status', kernel.status());
      await kernel.stop();
      await app.cleanup();
      kernel = undefined;
      app = undefined;
      return state;
    };
    expect(await outcome({ file: K.logonPassword })).toBe('online');
    expect(await outcome({ env: K.logonPassword })).toBe('online');
    expect(await outcome({ env: K.logonPassword, file: K.wrongPassword })).toBe('online');
    expect(await outcome({ env: K.wrongPassword, file: K.logonPassword })).toBe('logon-failed');
    expect(await outcome({ programmatic: K.logonPassword, env: K.wrongPassword, file: K.wrongPassword })).toBe('online');
    expect(await outcome({ programmatic: K.wrongPassword, env: K.logonPassword })).toBe('logon-failed');
    // An empty environment variable counts as absent, so the file still answers.
    expect(await outcome({ env: '', file: K.logonPassword })).toBe('online');
  });
});

describe('the credentials file', () => {
  it.each([0o640, 0o604, 0o660, 0o666])('is refused with mode %s, saying how to fix it', async (mode) => {
    app = await createSecurityApp(['logon-rejects'], []);
    const path = await writeCredentialFile(app.root, { 'logon-rejects': { password: K.logonPassword } }, mode);
    kernel = createKernel({ root: app.root, env: {}, scheduler: createManualScheduler() });
    const report = await kernel.discover();
    recordOutput('discovery report', report);
    expect(report.credentialProblems[0]).toEqual({
      code: 'XPORT_CREDENTIAL_FILE_REFUSED',
      message: `credentials file ${path} is readable by group or others (mode ${mode.toString(8).padStart(4, '0')}); run: chmod 600 ${path}`,
    });
    await kernel.start();
    expect(kernel.providerState('logon-rejects')).toBe('logon-failed');
  });

  it.each([
    ['broken JSON', `{"logon-rejects":{"password":"${K.logonPassword}"`, 'is not valid JSON'],
    ['more than 1 MiB', `{"logon-rejects":{"password":"${'x'.repeat(1024 * 1024)}"}}`, 'is larger than 1048576 bytes'],
    ['a value that is not a string', { 'logon-rejects': { password: 12345 } }, 'field /logon-rejects/password must be a string'],
    ['a prototype key', `{"__proto__":{"password":"${K.logonPassword}"}}`, 'field /__proto__ uses the forbidden key "__proto__"'],
    ['an array', [K.logonPassword], 'must be a JSON object of provider ids'],
  ])('is refused when it holds %s, without quoting any value', async (_what, content, why) => {
    app = await createSecurityApp(['logon-rejects'], []);
    await writeCredentialFile(app.root, content);
    kernel = createKernel({ root: app.root, env: {}, scheduler: createManualScheduler() });
    const report = await kernel.discover();
    recordOutput('discovery report', report);
    expect(report.credentialProblems[0]?.code).toBe('XPORT_CREDENTIAL_FILE_REFUSED');
    expect(report.credentialProblems[0]?.message).toContain(why);
    expect(JSON.stringify(report)).not.toContain(K.logonPassword);
    expect(({} as Record<string, unknown>).password).toBeUndefined();
  });
});

describe('the credentials file: who could have written it', () => {
  const asRoot = process.geteuid?.() === 0;
  const NOBODY = 65534;

  async function refusal(root: string): Promise<string | undefined> {
    kernel = createKernel({ root, env: {}, scheduler: createManualScheduler() });
    const report = await kernel.discover();
    recordOutput('discovery report', report);
    const problem = report.credentialProblems.find((p) => p.code === 'XPORT_CREDENTIAL_FILE_REFUSED');
    if (problem) expect(problem.message).not.toContain(K.logonPassword);
    return problem?.message;
  }

  it.runIf(asRoot)('refuses a file owned by another user, even with mode 0600', async () => {
    app = await createSecurityApp(['logon-rejects'], []);
    const path = await writeCredentialFile(app.root, { 'logon-rejects': { password: K.logonPassword } });
    await chown(path, NOBODY, NOBODY);
    expect(await refusal(app.root)).toBe(
      `credentials file ${path} is owned by another user (uid ${NOBODY}); it must belong to the user xport runs as (uid 0): run chown 0 ${path}`,
    );
    await kernel!.start();
    expect(kernel!.providerState('logon-rejects')).toBe('logon-failed');
  });

  it.each([0o777, 0o770, 0o757])('refuses a file in a directory group or others can write (mode %s) without the sticky bit', async (mode) => {
    app = await createSecurityApp(['logon-rejects'], []);
    await writeCredentialFile(app.root, { 'logon-rejects': { password: K.logonPassword } });
    const directory = join(app.root, '.xport');
    await chmod(directory, mode);
    expect(await refusal(app.root)).toContain(
      `is in directory ${directory} (mode ${mode.toString(8).padStart(4, '0')}), which group or others can write without the sticky bit, so they could replace the file; run: chmod go-w ${directory}`,
    );
  });

  it('accepts a file in a world-writable directory with the sticky bit (like /tmp): only the owner may replace its entries', async () => {
    app = await createSecurityApp(['logon-rejects'], []);
    await writeCredentialFile(app.root, { 'logon-rejects': { password: K.logonPassword } });
    await chmod(join(app.root, '.xport'), 0o1777);
    expect(await refusal(app.root)).toBeUndefined();
    await kernel!.start();
    expect(kernel!.providerState('logon-rejects')).toBe('online');
  });

  it.runIf(asRoot)('refuses a file in a directory that belongs to another user', async () => {
    app = await createSecurityApp(['logon-rejects'], []);
    await writeCredentialFile(app.root, { 'logon-rejects': { password: K.logonPassword } });
    const directory = join(app.root, '.xport');
    await chown(directory, NOBODY, NOBODY);
    expect(await refusal(app.root)).toContain(`is in directory ${directory}, which is owned by another user (uid ${NOBODY}) who could replace the file; it must belong to uid 0 or root`);
  });

  it('checks the directories of a symlink and of the file it points to', async () => {
    app = await createSecurityApp(['logon-rejects'], []);
    const open = join(app.root, 'open');
    const safe = join(app.root, 'safe');
    await mkdir(open, { mode: 0o700 });
    await mkdir(safe, { mode: 0o700 });
    await writeFile(join(safe, 'secrets.json'), JSON.stringify({ 'logon-rejects': { password: K.logonPassword } }), { mode: 0o600 });
    await writeFile(join(open, 'secrets.json'), JSON.stringify({ 'logon-rejects': { password: K.logonPassword } }), { mode: 0o600 });
    await mkdir(join(app.root, '.xport'), { mode: 0o700 });
    // .xport/credentials.json → open/secrets.json: the file lives in a directory others can write.
    await symlink(join(open, 'secrets.json'), join(app.root, '.xport', 'credentials.json'));
    await chmod(open, 0o777);
    expect(await refusal(app.root)).toContain(`is in directory ${open} (mode 0777)`);
    // open/link.json → safe/secrets.json: the link lives where others could point it elsewhere.
    await rm(join(app.root, '.xport', 'credentials.json'));
    await symlink(join(safe, 'secrets.json'), join(open, 'link.json'));
    kernel = createKernel({ root: app.root, env: {}, config: { credentials: { file: 'open/link.json' } }, scheduler: createManualScheduler() });
    const report = await kernel.discover();
    expect(report.credentialProblems[0]?.message).toContain(`is in directory ${open} (mode 0777)`);
  });

  it('refuses a FIFO in place of the file without waiting on it', async () => {
    app = await createSecurityApp(['logon-rejects'], []);
    const path = join(app.root, '.xport', 'credentials.json');
    await mkdir(join(app.root, '.xport'), { mode: 0o700 });
    execFileSync('mkfifo', ['-m', '600', path]);
    expect(await refusal(app.root)).toBe(`credentials file ${path} is not a regular file`);
  });
});
