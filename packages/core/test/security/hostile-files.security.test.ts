import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XportError } from '@xport/provider-sdk';
import { createKernel, loadConfig, type DiscoveryReport } from '../../src/index.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { recordOutput } from '../../../../test/support/output-recorder.js';

let app: TestApp | undefined;
let root: string | undefined;
afterEach(async () => {
  await app?.cleanup();
  if (root) await rm(root, { recursive: true, force: true });
  app = undefined;
  root = undefined;
});

function configError(text: string): Promise<XportError> {
  return (async () => {
    root = await mkdtemp(join(tmpdir(), 'xport-hostile-config-'));
    await writeFile(join(root, 'xport.config.json'), text);
    try {
      loadConfig(root);
    } catch (error) {
      expect(XportError.is(error, 'XPORT_CONFIG_INVALID')).toBe(true);
      recordOutput('config error', (error as Error).message);
      return error as XportError;
    } finally {
      await rm(root, { recursive: true, force: true });
      root = undefined;
    }
    throw new Error('expected XPORT_CONFIG_INVALID, but the configuration was accepted');
  })();
}

const nested = (depth: number, leaf = '{}') => {
  let text = leaf;
  for (let i = 0; i < depth; i++) text = `{"a":${text}}`;
  return text;
};

describe('hostile xport.config.json', () => {
  it.each([
    ['__proto__ at the top', '{"__proto__":{"polluted":true}}', 'field /__proto__ uses the forbidden key "__proto__"'],
    ['__proto__ in provider config', '{"providers":{"x":{"config":{"__proto__":{"polluted":true}}}}}', 'field /providers/x/config/__proto__ uses the forbidden key'],
    ['constructor', '{"providers":{"x":{"config":{"constructor":{"prototype":{"polluted":true}}}}}}', 'field /providers/x/config/constructor uses the forbidden key "constructor"'],
    ['prototype', '{"providers":{"x":{"config":{"prototype":1}}}}', 'uses the forbidden key "prototype"'],
    ['100-deep nesting', `{"providers":{"x":{"config":${nested(100)}}}}`, 'nests deeper than 32 levels'],
    ['a 2 MiB file', JSON.stringify({ $schema: 'x'.repeat(2 * 1024 * 1024) }), 'more than the 1048576 allowed'],
    ['100 000-deep arrays', '['.repeat(100_000) + ']'.repeat(100_000), 'is not valid JSON'],
  ])('refuses %s with a coded error naming the place', async (_what, text, why) => {
    const error = await configError(text);
    if (why === 'is not valid JSON') {
      // Within 1 MiB but too deep for any JSON parser: either refusal is a coded one that names the file.
      expect(error.message).toMatch(/is not valid JSON|nests deeper than 32 levels/);
    } else {
      expect(error.message).toContain(why);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('hostile provider packages', () => {
  const base = (id: string, extra = '') => `"manifestVersion":1,"id":"${id}","kind":"hook","entry":"./index.js","kernel":"^1.0.0"${extra}`;
  const make = async (name: string, text: string, entry = 'export default 1;\n') => {
    const dir = join(app!.root, 'node_modules', name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'package.json'), text);
    await writeFile(join(dir, 'index.js'), entry);
    return dir;
  };
  const byPackage = (report: DiscoveryReport, name: string) => report.providers.find((p) => p.packageName === name);

  it('refuses oversize, deep and prototype-polluting manifests, and loads the good provider next to them', async () => {
    app = await createTestApp(['xport-hook-audit']);
    await make('huge', JSON.stringify({ name: 'huge', xport: {}, padding: 'x'.repeat(2 * 1024 * 1024) }));
    await make('deep100', `{"name":"deep100","version":"1.0.0","xport":{${base('deep100', `,"configSchema":${nested(100)}`)}}}`);
    await make('ctor', `{"name":"ctor","version":"1.0.0","xport":{${base('ctor', ',"configSchema":{"properties":{"constructor":{"type":"string"}}}')}}}`);
    await make('proto-creds', `{"name":"proto-creds","version":"1.0.0","xport":{${base('proto-creds', ',"credentials":{"__proto__":{"required":true,"description":"x"}}')}}}`);
    await make('proto-top', `{"name":"proto-top","version":"1.0.0","xport":{"__proto__":{"polluted":true},${base('proto-top')}}}`);
    await make('not-json', '{"name":"not-json","xport":');

    const kernel = createKernel({ root: app.root, env: {} });
    const report = await kernel.discover();
    recordOutput('discovery report', report);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        { code: 'XPORT_MANIFEST_UNREADABLE', message: expect.stringMatching(/huge\/package\.json is \d+ bytes, more than the 1048576 allowed$/) },
        { code: 'XPORT_MANIFEST_UNREADABLE', message: expect.stringMatching(/not-json\/package\.json is not valid JSON/) },
      ]),
    );
    expect(byPackage(report, 'deep100')?.errors).toEqual([{ code: 'XPORT_MANIFEST_UNREADABLE', message: expect.stringContaining('nests deeper than 32 levels') }]);
    expect(byPackage(report, 'ctor')?.errors).toEqual([
      { code: 'XPORT_MANIFEST_UNREADABLE', message: 'ctor: manifest field /configSchema/properties/constructor uses the forbidden key "constructor"' },
    ]);
    expect(byPackage(report, 'proto-creds')?.errors).toEqual([
      { code: 'XPORT_MANIFEST_UNREADABLE', message: 'proto-creds: manifest field /credentials/__proto__ uses the forbidden key "__proto__"' },
    ]);
    expect(byPackage(report, 'proto-top')?.errors[0]?.message).toBe('proto-top: manifest field /__proto__ uses the forbidden key "__proto__"');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await kernel.start();
    expect(kernel.providerState('audit')).toBe('online');
    for (const id of ['deep100', 'ctor', 'proto-creds', 'proto-top']) expect(kernel.providerState(id)).toBe('invalid');
    await kernel.stop();
  });

  it('refuses entries that leave the package through a symlinked directory, a dot-dot path or an absolute path, and never imports them', async () => {
    app = await createTestApp([]);
    const outside = join(app.root, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'index.js'), 'globalThis.__xportImportedOutside = true; export default 1;\n');
    const linked = await make('linked-dir', `{"name":"linked-dir","version":"1.0.0","xport":{${base('linked-dir').replace('./index.js', './lib/index.js')}}}`);
    await symlink(outside, join(linked, 'lib'), 'dir');
    await make('dotdot', `{"name":"dotdot","version":"1.0.0","xport":{${base('dotdot').replace('./index.js', './sub/../../../outside/index.js')}}}`);
    await make('absolute', `{"name":"absolute","version":"1.0.0","xport":{${base('absolute').replace('./index.js', join(outside, 'index.js'))}}}`);
    await make('backslash', `{"name":"backslash","version":"1.0.0","xport":{${base('backslash').replace('./index.js', 'C:\\\\outside\\\\index.js')}}}`);

    const kernel = createKernel({ root: app.root, env: {} });
    const report = await kernel.discover();
    recordOutput('discovery report', report);
    const error = (name: string) => byPackage(report, name)?.errors[0];
    expect(error('linked-dir')).toEqual({
      code: 'XPORT_PROVIDER_ENTRY_MISSING',
      message: `linked-dir: entry "./lib/index.js" is a symlink to ${join(outside, 'index.js')}, outside the package directory`,
    });
    expect(error('dotdot')).toEqual({ code: 'XPORT_PROVIDER_ENTRY_MISSING', message: 'dotdot: entry "./sub/../../../outside/index.js" escapes the package directory' });
    expect(error('absolute')?.message).toContain('is an absolute path; it must be relative to the package');
    expect(error('backslash')?.message).toContain('is an absolute path');
    await kernel.start();
    await kernel.stop();
    expect((globalThis as Record<string, unknown>).__xportImportedOutside).toBeUndefined();
  });
});
