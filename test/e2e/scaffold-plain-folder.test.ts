import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installOffline, LOCAL_DEPENDENCIES, runInPackage } from './scaffold-support.js';

// An author with a provider written as a plain-JS folder (no package.json dependencies installed,
// no node_modules anywhere above it) tests it from a project that has the kit installed.
const PROVIDER = `import { defineTransportProvider, outcome } from '@xport/provider-sdk';

const delivered = (globalThis[Symbol.for('plain-pager.delivered')] ??= []);

export default defineTransportProvider({
  create: () => ({
    send(message, recipients) {
      return recipients.map(({ recipient }) => {
        if (recipient.address === 'nobody') return outcome.failed('5.1.1', 'pager: no pager "nobody"');
        if (recipient.address === 'busy') return outcome.deferred({ diagnostic: 'pager: line busy' });
        delivered.push(\`pager:\${recipient.address}\`);
        return outcome.delivered();
      });
    },
  }),
});
`;

const CONFORMANCE_TEST = `import { describeTransportConformance } from '@xport/provider-sdk/testing';

describeTransportConformance('plain-JS pager folder', {
  packageDir: process.env.PLAIN_PROVIDER_DIR,
  deliver: ['pager:ada', 'Bob <pager:bob>'],
  fail: ['pager:nobody'],
  defer: ['pager:busy'],
  deliveredTo: () => globalThis[Symbol.for('plain-pager.delivered')] ?? [],
});
`;

describe('the test kernel with a plain-JS provider folder', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('runs the transport conformance suite on a folder with no node_modules, from an installed project', { timeout: 300_000 }, async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'xport-plain-folder-')));
    const folder = join(dir, 'pager');
    await mkdir(folder);
    await writeFile(
      join(folder, 'package.json'),
      JSON.stringify({ name: 'pager', version: '1.0.0', type: 'module', xport: { manifestVersion: 1, id: 'pager', kind: 'transport', entry: './provider.js', kernel: '^1.0.0', addressTypes: ['pager'] } }),
    );
    await writeFile(join(folder, 'provider.js'), PROVIDER);

    const project = join(dir, 'project');
    await mkdir(join(project, 'test'), { recursive: true });
    const linked = ['@xport/provider-sdk', '@xport/core', '@xport/store-memory', 'tsyringe', 'reflect-metadata', 'vitest'];
    const devDependencies = Object.fromEntries(linked.map((name) => [name, `link:${LOCAL_DEPENDENCIES[name]}`]));
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'pager-tests', private: true, type: 'module', scripts: { test: 'vitest run' }, devDependencies }));
    await writeFile(join(project, 'test', 'conformance.test.js'), CONFORMANCE_TEST);
    await installOffline(project);

    const tested = await runInPackage(project, ['test'], { PLAIN_PROVIDER_DIR: folder });
    expect(tested.stdout).toMatch(/Test Files\s+.*1 passed/);
    // Every case but those it cannot take part in (no credentials declared, never not-me, no destinationOf).
    expect(tested.stdout).toMatch(/Tests\s+.*7 passed.*4 skipped/);
    expect(tested.stdout).not.toMatch(/failed/);
  });
});
