import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createKernel, type DiscoveryReport, type ProviderReport } from '../src/index.js';
import { createCaptureLogger, createTestApp, resetFixtureGlobals, type TestApp } from './helpers/test-app.js';
import { KNOWN_SECRETS as K } from '../../../test/support/known-secrets.js';

let app: TestApp | undefined;
beforeEach(resetFixtureGlobals);
afterEach(async () => {
  await app?.cleanup();
  app = undefined;
});

function byPackage(report: DiscoveryReport, packageName: string): ProviderReport {
  const found = report.providers.find((p) => p.packageName === packageName);
  if (!found) throw new Error(`no report for ${packageName}: ${report.providers.map((p) => p.packageName).join(', ')}`);
  return found;
}

const credentials = { alpha: { token: K.alphaToken }, beta: { token: K.betaToken } };

describe('discovery', () => {
  it('finds plain, scoped, workspace-linked and explicitly listed providers without loading their code', async () => {
    app = await createTestApp(
      [
        'xport-transport-alpha',
        { fixture: 'xport-transport-beta', scope: '@acme' },
        { fixture: 'xport-class-transport', as: 'workspace-link' },
        { fixture: 'xport-hook-audit', as: 'explicit-path' },
        { fixture: 'throws-on-import' },
      ],
      { discovery: { paths: ['./providers/xport-hook-audit'] } },
    );
    const kernel = createKernel({ root: app.root, credentials, env: {} });
    const report = await kernel.discover();
    expect(report.providers.map((p) => p.id).sort()).toEqual(['alpha', 'audit', 'beta', 'classy', 'throws-on-import']);
    expect(byPackage(report, '@acme/xport-transport-beta')).toMatchObject({ status: 'ok', kind: 'transport', addressTypes: ['beta'], version: '1.0.0' });
    expect(byPackage(report, 'xport-class-transport').directory).toBe(app.dirOf('xport-class-transport'));
    expect(byPackage(report, 'xport-hook-audit')).toMatchObject({ status: 'ok', kind: 'hook' });
    // Its module throws when imported, yet discovery is clean: no provider code ran.
    expect(byPackage(report, 'throws-on-import')).toMatchObject({ status: 'ok', errors: [] });
    expect(kernel.status().every((row) => row.state === 'discovered')).toBe(true);
  });

  it('resolves a package name listed in discovery.paths when the node_modules scan is off', async () => {
    app = await createTestApp([{ fixture: 'xport-transport-beta', scope: '@acme' }, 'xport-hook-audit'], {
      discovery: { nodeModules: false, paths: ['@acme/xport-transport-beta', 'not-installed-anywhere', './nope'] },
    });
    const report = await createKernel({ root: app.root, credentials, env: {} }).discover();
    expect(report.providers.map((p) => p.id)).toEqual(['beta']);
    expect(report.problems.map((p) => p.code)).toEqual(['XPORT_PROVIDER_NOT_FOUND', 'XPORT_PROVIDER_NOT_FOUND']);
    expect(report.problems[0]?.message).toContain('package "not-installed-anywhere" named in discovery.paths is not installed');
    expect(report.problems[1]?.message).toContain('discovery path "./nope" has no package.json');
  });

  it('reports each broken manifest with its code and a message naming package and field', async () => {
    app = await createTestApp([
      'bad-missing-field',
      'bad-wrong-type',
      'bad-id',
      'bad-address-type',
      'bad-semver',
      'bad-incompatible',
      'bad-prerelease',
      'xport-transport-alpha',
    ]);
    const report = await createKernel({ root: app.root, credentials, env: {} }).discover();
    const messages = (name: string) => byPackage(report, name).errors.map((e) => `${e.code} ${e.message}`);

    expect(byPackage(report, 'bad-missing-field').status).toBe('invalid');
    expect(messages('bad-missing-field')).toEqual(['XPORT_MANIFEST_INVALID bad-missing-field: manifest field /entry is required']);
    expect(messages('bad-wrong-type')).toEqual(['XPORT_MANIFEST_INVALID bad-wrong-type: manifest field /addressTypes must be of type array (got "fax")']);
    expect(messages('bad-id')).toEqual(['XPORT_MANIFEST_INVALID bad-id: manifest field /id must match ^[a-z][a-z0-9-]{0,62}$ (got "Bad_ID")']);
    expect(messages('xport-provider-fax')).toEqual([
      'XPORT_MANIFEST_INVALID xport-provider-fax: manifest field /addressTypes/0 must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ (got "FAX TYPE")',
    ]);
    expect(messages('bad-semver')).toEqual(['XPORT_MANIFEST_INVALID bad-semver: manifest field /kernel must be a valid semver-range (got "one point oh")']);
    expect(byPackage(report, 'bad-incompatible').status).toBe('incompatible');
    expect(messages('bad-incompatible')).toEqual([
      'XPORT_KERNEL_INCOMPATIBLE bad-incompatible: provider "future" requires kernel API "^2.0.0", this kernel provides 1.0.0',
    ]);
    // A prerelease requirement is not met by the released 1.0.0 kernel (documented choice).
    expect(byPackage(report, 'bad-prerelease')).toMatchObject({ status: 'incompatible', errors: [{ code: 'XPORT_KERNEL_INCOMPATIBLE' }] });
    expect(byPackage(report, 'xport-transport-alpha')).toMatchObject({ status: 'ok', errors: [] });
  });

  it('reports all errors of one manifest at once', async () => {
    app = await createTestApp([]);
    const dir = join(app.root, 'node_modules', 'many-errors');
    await mkdir(dir);
    const manifest = { manifestVersion: 2, id: 'X', kind: 'fax', entry: '', kernel: '^1.0.0', extra: true };
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'many-errors', version: '1.0.0', xport: manifest }));
    const report = await createKernel({ root: app.root, env: {} }).discover();
    const text = byPackage(report, 'many-errors').errors.map((e) => e.message);
    expect(text).toEqual(
      expect.arrayContaining([
        'many-errors: manifest field /extra is not an allowed field',
        'many-errors: manifest field /manifestVersion must be 1 (got 2)',
        'many-errors: manifest field /id must match ^[a-z][a-z0-9-]{0,62}$ (got "X")',
        'many-errors: manifest field /kind must be one of "transport", "store", "hook" (got "fax")',
      ]),
    );
  });

  it('rejects both providers of a duplicate id and loads neither', async () => {
    app = await createTestApp(['dup-one', 'dup-two', 'xport-hook-audit']);
    const kernel = createKernel({ root: app.root, env: {} });
    const report = await kernel.discover();
    for (const name of ['dup-one', 'dup-two']) {
      const entry = byPackage(report, name);
      expect(entry.status).toBe('invalid');
      expect(entry.errors[0]?.code).toBe('XPORT_PROVIDER_DUPLICATE_ID');
      expect(entry.errors[0]?.message).toMatch(/provider id "dup" is declared by dup-one \(.*dup-one\) and dup-two \(.*dup-two\); none of them is loaded/);
    }
    await kernel.start();
    expect(kernel.status().filter((r) => r.id === 'dup').map((r) => r.state)).toEqual(['invalid', 'invalid']);
    expect(kernel.providerState('audit')).toBe('online');
    await kernel.stop();
  });

  it('rejects two transports claiming one address type (any case) unless transportOrder orders them', async () => {
    app = await createTestApp(['xport-smtp-a', 'xport-smtp-b', 'xport-hook-audit']);
    const conflicted = await createKernel({ root: app.root, env: {}, config: {} }).discover();
    for (const name of ['xport-smtp-a', 'xport-smtp-b']) {
      const entry = byPackage(conflicted, name);
      expect(entry.status).toBe('invalid');
      expect(entry.errors).toEqual([
        {
          code: 'XPORT_ADDRESS_TYPE_CONFLICT',
          message: 'address type "smtp" is claimed by transports "smtp-a" (xport-smtp-a) and "smtp-b" (xport-smtp-b); list "smtp-a", "smtp-b" in transportOrder in xport.config.json to order them',
        },
      ]);
    }
    const kernel = createKernel({ root: app.root, env: {}, config: { transportOrder: ['smtp-b', 'smtp-a'] } });
    const ordered = await kernel.discover();
    expect(ordered.providers.every((p) => p.status === 'ok')).toBe(true);
    expect(kernel.routing().providersFor('SMTP')).toEqual(['smtp-b', 'smtp-a']);
    // Disabling one transport also resolves the conflict.
    const disabled = await createKernel({ root: app.root, env: {}, config: { providers: { 'smtp-b': { enabled: false } } } }).discover();
    expect(byPackage(disabled, 'xport-smtp-a').status).toBe('ok');
  });

  it('refuses entries that are missing, absolute, escaping, or symlinked out of the package', async () => {
    app = await createTestApp(['bad-entry-missing', 'bad-entry-escape', 'bad-entry-absolute', 'xport-transport-alpha', 'xport-hook-audit']);
    const linked = join(app.root, 'node_modules', 'symlink-escape');
    await mkdir(linked);
    await writeFile(join(app.root, 'outside.js'), 'export default 1;\n');
    await symlink(join(app.root, 'outside.js'), join(linked, 'index.js'));
    const manifest = { manifestVersion: 1, id: 'symlink-escape', kind: 'hook', entry: './index.js', kernel: '^1.0.0' };
    await writeFile(join(linked, 'package.json'), JSON.stringify({ name: 'symlink-escape', version: '1.0.0', xport: manifest }));

    const kernel = createKernel({ root: app.root, credentials, env: {} });
    const report = await kernel.discover();
    const error = (name: string) => byPackage(report, name).errors[0];
    expect(error('bad-entry-missing')?.code).toBe('XPORT_PROVIDER_ENTRY_MISSING');
    expect(error('bad-entry-missing')?.message).toMatch(/^bad-entry-missing: entry "\.\/dist\/nope\.js" does not exist \(looked for .*bad-entry-missing\/dist\/nope\.js\)$/);
    expect(error('bad-entry-escape')).toEqual({
      code: 'XPORT_PROVIDER_ENTRY_MISSING',
      message: 'bad-entry-escape: entry "../xport-transport-alpha/index.js" escapes the package directory',
    });
    expect(error('bad-entry-absolute')).toEqual({
      code: 'XPORT_PROVIDER_ENTRY_MISSING',
      message: 'bad-entry-absolute: entry "/etc/passwd" is an absolute path; it must be relative to the package',
    });
    expect(error('symlink-escape')?.code).toBe('XPORT_PROVIDER_ENTRY_MISSING');
    expect(error('symlink-escape')?.message).toContain(`is a symlink to ${join(app.root, 'outside.js')}, outside the package directory`);
    await kernel.start();
    expect(kernel.providerState('alpha')).toBe('online');
    expect(kernel.providerState('bad-entry-missing')).toBeUndefined();
    expect(kernel.providerState('entry-missing')).toBe('invalid');
    await kernel.stop();
  });

  it('refuses an oversize package.json and manifests with prototype keys or deep nesting', async () => {
    app = await createTestApp(['xport-hook-audit']);
    const make = async (name: string, text: string) => {
      await mkdir(join(app!.root, 'node_modules', name));
      await writeFile(join(app!.root, 'node_modules', name, 'package.json'), text);
    };
    const base = (id: string) => `"manifestVersion":1,"id":"${id}","kind":"hook","entry":"./index.js","kernel":"^1.0.0"`;
    await make('huge', JSON.stringify({ name: 'huge', xport: {}, padding: 'x'.repeat(1024 * 1024) }));
    await make('proto', `{"name":"proto","version":"1.0.0","xport":{${base('proto')},"configSchema":{"__proto__":{"polluted":true}}}}`);
    let deep = '{}';
    for (let i = 0; i < 40; i++) deep = `{"a":${deep}}`;
    await make('deep', `{"name":"deep","version":"1.0.0","xport":{${base('deep')},"configSchema":${deep}}}`);

    const kernel = createKernel({ root: app.root, env: {} });
    const report = await kernel.discover();
    expect(report.problems).toEqual([{ code: 'XPORT_MANIFEST_UNREADABLE', message: expect.stringMatching(/huge\/package\.json is \d+ bytes, more than the 1048576 allowed$/) }]);
    expect(byPackage(report, 'proto')).toMatchObject({
      status: 'failed',
      errors: [{ code: 'XPORT_MANIFEST_UNREADABLE', message: 'proto: manifest field /configSchema/__proto__ uses the forbidden key "__proto__"' }],
    });
    expect(byPackage(report, 'deep').errors[0]?.code).toBe('XPORT_MANIFEST_UNREADABLE');
    expect(byPackage(report, 'deep').errors[0]?.message).toContain('nests deeper than 32 levels');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await kernel.start();
    expect(kernel.providerState('audit')).toBe('online');
    await kernel.stop();
  });

  it('validates provider configuration against the manifest configSchema, applying defaults', async () => {
    app = await createTestApp(['xport-transport-alpha', { fixture: 'xport-transport-beta', scope: '@acme' }]);
    const kernel = createKernel({
      root: app.root,
      credentials,
      env: {},
      config: { providers: { alpha: { config: { retries: 'many', colour: 'red' } }, beta: { config: { retries: 5 } } } },
    });
    const report = await kernel.discover();
    expect(byPackage(report, 'xport-transport-alpha').errors).toEqual([
      {
        code: 'XPORT_PROVIDER_CONFIG_INVALID',
        message:
          'provider "alpha" (xport-transport-alpha): configuration in xport.config.json providers.alpha.config: field /colour is not an allowed field; field /retries must be of type integer (got "many")',
      },
    ]);
    await kernel.start();
    expect(kernel.providerState('alpha')).toBe('invalid');
    const beta = kernel.transport('beta') as unknown as { probe: { config: unknown } };
    expect(beta.probe.config).toEqual({ greeting: 'hello', retries: 5 });
    await kernel.stop();
  });

  it('reports missing required credentials by name only, and an unknown store provider', async () => {
    app = await createTestApp(['xport-transport-alpha', { fixture: 'xport-transport-beta', scope: '@acme' }], { store: { provider: 'store-nowhere' } });
    const logger = createCaptureLogger();
    const report = await createKernel({ root: app.root, logger, env: { XPORT_BETA__TOKEN: K.betaToken } }).discover();
    expect(report.credentialProblems).toEqual([
      {
        code: 'XPORT_CREDENTIAL_MISSING',
        provider: 'alpha',
        credential: 'token',
        message: expect.stringContaining('provider "alpha" needs credential "token", which no source has (searched: createKernel({ credentials }); environment variable XPORT_ALPHA__TOKEN; credentials file'),
      },
    ]);
    expect(JSON.stringify(report)).not.toContain(K.betaToken);
    expect(byPackage(report, '@acme/xport-transport-beta').credentials).toEqual([
      { name: 'token', required: true, present: true },
      { name: 'apiKey', required: false, present: false },
    ]);
    expect(report.problems).toEqual([{ code: 'XPORT_STORE_NOT_CONFIGURED', message: 'store.provider "store-nowhere" in xport.config.json is not a discovered store provider' }]);
  });
});
