import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { hookPackageJsonTemplate } from '../src/templates/hook-package.js';
import { DEFAULT_DEPENDENCY_SPECS } from '../src/templates/package-shared.js';
import { packageJsonTemplate } from '../src/templates/provider-package.js';

// What the guides tell an author to install and declare is what `xport new` writes: a change to one
// without the other fails here.
const doc = (name: string): Promise<string> => readFile(new URL(`../../../docs/${name}`, import.meta.url), 'utf8');

/** The package.json example of a guide's "1. The package" section. */
function packageExample(page: string): { peerDependencies?: Record<string, string> } {
  const section = page.slice(page.indexOf('## 1. The package'));
  const block = /```json\n([\s\S]*?)\n```/.exec(section)?.[1];
  if (block === undefined) throw new Error('no ```json block under "## 1. The package"');
  return JSON.parse(block) as { peerDependencies?: Record<string, string> };
}

/** The packages of the guide's `npm install --save-dev …` line. */
function devInstall(page: string): string[] {
  const line = /^npm install --save-dev (.+)$/m.exec(page)?.[1];
  if (line === undefined) throw new Error('no "npm install --save-dev" line');
  return line.trim().split(/\s+/);
}

const provider = JSON.parse(packageJsonTemplate({ packageName: 'xport-provider-fax', id: 'fax', addressType: 'fax', dependencies: {} })) as {
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const hook = JSON.parse(hookPackageJsonTemplate({ packageName: 'xport-hook-subject-policy', id: 'subject-policy', dependencies: {} })) as {
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

describe('the scaffolds and the guides agree on dependencies', () => {
  it('writing-a-provider.md declares the peer dependencies the provider scaffold writes, with the same ranges', async () => {
    expect(packageExample(await doc('writing-a-provider.md')).peerDependencies).toEqual(provider.peerDependencies);
  });

  it('writing-a-hook.md declares the peer dependencies the hook scaffold writes, with the same ranges', async () => {
    expect(packageExample(await doc('writing-a-hook.md')).peerDependencies).toEqual(hook.peerDependencies);
  });

  it("writing-a-provider.md's test-kit install line names exactly the scaffolds' dev dependencies", async () => {
    const installed = devInstall(await doc('writing-a-provider.md')).sort();
    expect(installed).toEqual(Object.keys(provider.devDependencies).sort());
    expect(installed).toEqual(Object.keys(hook.devDependencies).sort());
    expect(installed).toEqual(Object.keys(DEFAULT_DEPENDENCY_SPECS).sort());
  });
});
