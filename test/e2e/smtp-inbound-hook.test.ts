import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from '@xport/core';
import type { TransportProvider } from '@xport/provider-sdk';
import { createSqliteStore } from '@xport/store-sqlite';
import { createE2eApp, PACKAGES, type E2eApp } from './test-app.js';
import { nodemailer } from './smtp-sink.js';

// A policy hook that never came online (its configuration is invalid), in front of the SMTP listener.
const POLICY_HOOK = join(PACKAGES, 'core', 'test', 'fixtures', 'providers', 'hook-subject-policy');

let app: E2eApp | undefined;
let kernel: Kernel | undefined;
afterEach(async () => {
  await kernel?.stop();
  await app?.cleanup();
  kernel = undefined;
  app = undefined;
});

async function start(advisory: boolean): Promise<{ port: number; inbox: () => Promise<string[]> }> {
  app = await createE2eApp(['provider-smtp', 'provider-sdk'], {
    transportOrder: ['smtp'],
    providers: { smtp: { config: { listen: { enabled: true, port: 0, domains: ['example.org'] } } }, 'subject-policy': { config: { blockedWord: 42 } } },
  });
  const directory = join(app.root, 'node_modules', 'xport-hook-subject-policy');
  await cp(POLICY_HOOK, directory, { recursive: true });
  if (advisory) {
    const pkg = JSON.parse(await readFile(join(directory, 'package.json'), 'utf8')) as { xport: Record<string, unknown> };
    await writeFile(join(directory, 'package.json'), JSON.stringify({ ...pkg, xport: { ...pkg.xport, advisory: true } }));
  }
  const store = createSqliteStore({ path: join(app.root, 'store.db') });
  kernel = createKernel({ root: app.root, env: {}, store });
  await kernel.start();
  expect(kernel.providerState('smtp')).toBe('online');
  expect(kernel.providerState('subject-policy')).toBe('invalid');
  const address = (kernel.transport('smtp') as TransportProvider & { listenAddress(): { port: number } | undefined }).listenAddress();
  return { port: address!.port, inbox: async () => (await store.listInbox('smtp:ada@example.org')).map((e) => e.envelope.subject ?? '') };
}

describe('the SMTP listener behind a policy hook that is not online', () => {
  it('answers 451 4.3.0, so the sender retries later, and keeps nothing', async () => {
    const { port, inbox } = await start(false);
    const client = nodemailer.createTransport({ host: '127.0.0.1', port, ignoreTLS: true, logger: false });
    try {
      const sent = client.sendMail({ from: 'peer@example.net', to: 'ada@example.org', subject: '[blocked] offer', text: 'x' });
      await expect(sent).rejects.toMatchObject({ responseCode: 451, response: expect.stringContaining('4.3.0') });
    } finally {
      client.close();
    }
    expect(await inbox()).toEqual([]);
  });

  it('accepts the message when the hook is advisory', async () => {
    const { port, inbox } = await start(true);
    const client = nodemailer.createTransport({ host: '127.0.0.1', port, ignoreTLS: true, logger: false });
    try {
      const sent = await client.sendMail({ from: 'peer@example.net', to: 'ada@example.org', subject: 'hello', text: 'x' });
      expect(sent.response).toMatch(/^250 /);
    } finally {
      client.close();
    }
    expect(await inbox()).toEqual(['hello']);
  });
});
