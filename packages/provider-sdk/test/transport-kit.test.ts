import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { checkTransportManifest, makeOutboundMessage } from '../src/testing/index.js';

const run = promisify(execFile);
const TESTING_ENTRY = fileURLToPath(new URL('../dist/testing/index.js', import.meta.url));
let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function writePackage(pkg: unknown): Promise<string> {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'xport-kit-')));
  await mkdir(join(dir, 'pkg'));
  await writeFile(join(dir, 'pkg', 'package.json'), JSON.stringify(pkg));
  return join(dir, 'pkg');
}

describe('transport author kit', () => {
  it('createTestKernel names the packages to install when @xport/core and @xport/store-memory cannot be resolved', async () => {
    const packageDir = await writePackage({ name: 'xport-provider-lonely', xport: { manifestVersion: 1, id: 'lonely', kind: 'transport', entry: './p.js', kernel: '^1.0.0', addressTypes: ['x'] } });
    // In a plain Node process (pnpm exec puts its hoisted store on NODE_PATH, which would find them),
    // through the built entry an author imports.
    const script = `import(${JSON.stringify(TESTING_ENTRY)}).then((kit) => kit.createTestKernel({ providers: [${JSON.stringify(packageDir)}], resolveFrom: ${JSON.stringify(dir)} }))
      .then(() => console.log('{"code":"none"}'), (e) => console.log(JSON.stringify({ code: e.code, message: e.message, details: e.details })))`;
    const env = { ...process.env };
    delete env.NODE_PATH;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env });
    const error = JSON.parse(stdout) as { code: string; message: string; details: unknown };
    expect(error.code).toBe('XPORT_TEST_DEPENDENCY_MISSING');
    expect(error.message).toContain('npm install --save-dev @xport/core @xport/store-memory');
    expect(error.details).toMatchObject({ missing: ['@xport/core', '@xport/store-memory'], searched: [dir] });
  });

  it('checkTransportManifest validates with the project\'s @xport/core, and names it when it is not installed', async () => {
    const packageDir = await writePackage({ name: 'xport-provider-lonely', xport: { manifestVersion: 1, id: 'lonely', kind: 'transport', entry: './p.js', kernel: '^1.0.0', addressTypes: ['x'] } });
    // The SDK brings no validator of its own (no ajv dependency): a plain Node process without NODE_PATH.
    const script = `import(${JSON.stringify(TESTING_ENTRY)}).then((kit) => kit.checkTransportManifest(${JSON.stringify(packageDir)}, { resolveFrom: ${JSON.stringify(dir)} }))
      .then(() => console.log('{"code":"none"}'), (e) => console.log(JSON.stringify({ code: e.code, message: e.message, details: e.details })))`;
    const env = { ...process.env };
    delete env.NODE_PATH;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env });
    const error = JSON.parse(stdout) as { code: string; message: string; details: unknown };
    expect(error.code).toBe('XPORT_TEST_DEPENDENCY_MISSING');
    expect(error.message).toContain('the manifest check needs @xport/core in your project');
    expect(error.message).toContain('npm install --save-dev @xport/core');
    expect(error.details).toMatchObject({ missing: ['@xport/core'], searched: [dir] });
  });

  it('checkTransportManifest reports each schema problem by field, a non-transport kind and the SDK as a dependency', async () => {
    const packageDir = await writePackage({
      name: 'xport-provider-bad',
      dependencies: { '@xport/provider-sdk': '^0.1.0' },
      xport: { manifestVersion: 1, id: 'Bad Id', kind: 'hook', entry: './p.js', kernel: '^1.0.0', addressTypes: ['FAX TYPE'], extra: true },
    });
    const { problems, manifest } = await checkTransportManifest(packageDir);
    expect(manifest).toBeUndefined();
    expect(problems).toEqual(
      expect.arrayContaining([
        // The kernel's own messages, as discovery reports them.
        expect.stringMatching(/^xport-provider-bad: manifest field \/id must match \^.* \(got "Bad Id"\)$/),
        expect.stringMatching(/^xport-provider-bad: manifest field \/addressTypes\/0 must match \^.* \(got "FAX TYPE"\)$/),
        'xport-provider-bad: manifest field /extra is not an allowed field',
        'xport-provider-bad: manifest field /kind must be "transport" (got "hook")',
        expect.stringContaining('@xport/provider-sdk must be a peerDependency'),
      ]),
    );
  });

  it('makeOutboundMessage streams its parts and assigns every recipient in order', async () => {
    const { message, assigned } = makeOutboundMessage({ from: 'ada@example.org', to: ['fax:+331', 'Bob <bob@example.net>'], cc: ['loopback:carol'] });
    expect(assigned.map((a) => [a.index, a.recipient.type, a.role])).toEqual([
      [0, 'fax', 'to'],
      [1, 'smtp', 'to'],
      [2, 'loopback', 'cc'],
    ]);
    const chunks: Buffer[] = [];
    for await (const chunk of message.openPart(message.parts[0]!.partId)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString('utf8')).toBe('Hello from the xport transport conformance suite.');
    expect(message.size).toBe(message.parts[0]!.size);
    expect(() => message.openPart('nope')).toThrow(/no part "nope"/);
  });
});
