import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestKernel, type TestKernel } from '../src/testing/index.js';

// Provider folders written to a temporary directory: nothing above them holds a node_modules, so
// what they import must come from the test kernel's application, as in an author's plain-JS project.
let dir: string | undefined;
let harness: TestKernel | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function writeFolder(name: string, files: Readonly<Record<string, string>>): Promise<string> {
  dir ??= await realpath(await mkdtemp(join(tmpdir(), 'xport-plain-')));
  const folder = join(dir, name);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(folder, path, '..'), { recursive: true });
    await writeFile(join(folder, path), text);
  }
  return folder;
}

const manifest = (id: string): Record<string, unknown> => ({ manifestVersion: 1, id, kind: 'transport', entry: './provider.js', kernel: '^1.0.0', addressTypes: [id] });

describe('createTestKernel with a plain-JS provider folder', () => {
  it('loads a folder that has no node_modules: its import of @xport/provider-sdk resolves from the test app', async () => {
    const folder = await writeFolder('fax', {
      'package.json': JSON.stringify({ name: 'xport-provider-fax', version: '1.0.0', type: 'module', xport: manifest('fax') }),
      'provider.js': [
        "import { defineTransportProvider, outcome } from '@xport/provider-sdk';",
        'export default defineTransportProvider({ create: () => ({ send: (message, recipients) => recipients.map(() => outcome.delivered()) }) });',
        '',
      ].join('\n'),
    });
    harness = await createTestKernel({ providers: [folder] });
    expect(harness.row('fax')).toMatchObject({ state: 'online' });
    expect(harness.row('fax').lastError).toBeUndefined();
    const { messageId } = await harness.submit({ to: ['fax:+331'], text: 'hi' });
    expect((await harness.waitForOutcomes(messageId)).recipients.map((r) => r.state)).toEqual(['delivered']);
  });

  it('keeps the folder’s own node_modules: a dependency installed there still resolves, the SDK from the app', async () => {
    const folder = await writeFolder('pager', {
      'package.json': JSON.stringify({ name: 'xport-provider-pager', version: '1.0.0', type: 'module', xport: manifest('pager') }),
      'provider.js': [
        "import { defineTransportProvider, outcome } from '@xport/provider-sdk';",
        "import { pagerCode } from 'pager-codes';",
        "export default defineTransportProvider({ create: () => ({ send: (message, recipients) => recipients.map(() => outcome.failed(pagerCode, 'pager: no such pager')) }) });",
        '',
      ].join('\n'),
      'node_modules/pager-codes/package.json': JSON.stringify({ name: 'pager-codes', version: '1.0.0', type: 'module', exports: './index.js' }),
      'node_modules/pager-codes/index.js': "export const pagerCode = '5.1.9';\n",
    });
    harness = await createTestKernel({ providers: [folder] });
    expect(harness.row('pager').state).toBe('online');
    const { messageId } = await harness.submit({ to: ['pager:42'], text: 'hi' });
    const stored = await harness.waitForOutcomes(messageId);
    expect(stored.recipients[0]).toMatchObject({ state: 'failed', lastError: { code: '5.1.9' } });
  });

  it('still says what is missing when a folder imports a package that is installed nowhere', async () => {
    const folder = await writeFolder('lost', {
      'package.json': JSON.stringify({ name: 'xport-provider-lost', version: '1.0.0', type: 'module', xport: manifest('lost') }),
      'provider.js': "import 'not-installed-anywhere';\nexport default {};\n",
    });
    harness = await createTestKernel({ providers: [folder] });
    expect(harness.row('lost')).toMatchObject({ state: 'failed', lastError: { code: 'XPORT_PROVIDER_IMPORT_FAILED', message: expect.stringContaining("'not-installed-anywhere'") } });
  });
});

describe('TestKernel.makeDue', () => {
  it('makes a deferred recipient due at once and resolves when its retry is recorded', async () => {
    // Defers a first attempt for an hour; delivers the retry.
    const folder = await writeFolder('later', {
      'package.json': JSON.stringify({ name: 'xport-provider-later', version: '1.0.0', type: 'module', xport: manifest('later') }),
      'provider.js': [
        "import { defineTransportProvider, outcome } from '@xport/provider-sdk';",
        'export default defineTransportProvider({',
        '  create: () => ({',
        "    send: (message, recipients) => recipients.map((r) => (r.attempts === 0 ? outcome.deferred({ retryAfterMs: 3_600_000, diagnostic: 'later: busy' }) : outcome.delivered())),",
        '  }),',
        '});',
        '',
      ].join('\n'),
    });
    harness = await createTestKernel({ providers: [folder] });
    const { messageId } = await harness.submit({ to: ['later:ada', 'later:bob'], text: 'hi' });
    const deferred = await harness.waitForOutcomes(messageId);
    expect(deferred.recipients.map((r) => [r.state, r.attempts])).toEqual([
      ['deferred', 1],
      ['deferred', 1],
    ]);
    expect(Math.min(...deferred.recipients.map((r) => r.nextAttemptAt ?? 0))).toBeGreaterThan(Date.now() + 60_000);

    await harness.makeDue('later');
    // No waiting: once makeDue resolves, the retry has happened and its result is in the store.
    const retried = await harness.store.getMessage(messageId);
    expect(retried?.recipients.map((r) => [r.state, r.attempts])).toEqual([
      ['delivered', 2],
      ['delivered', 2],
    ]);
    expect(harness.outcomes.filter((e) => e.messageId === messageId).map((e) => e.event)).toEqual(['deferred', 'deferred', 'delivered', 'delivered']);
  });
});
