import { afterAll, describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from '@xport/core';
import type { DsnRequest } from '@xport/provider-sdk';
import { createPostgresStore } from '../../packages/store-postgres/src/index.js';
import { createE2eApp, type E2eApp } from './test-app.js';
import { TEST_PG_URL, dropSchema, freshSchema } from './postgres-daemons.js';

// The DSN parameters (RFC 3461) ride in the message envelope, which the PostgreSQL store keeps as
// JSON: a submitted message's and a received message's come back as they went in, through the kernel.
// (The SMTP DSN tests prove the same on SQLite, the spooler's tests on the memory store.)
describe('DSN parameters in the PostgreSQL store', () => {
  const schema = freshSchema();
  let app: E2eApp | undefined;
  let kernel: Kernel | undefined;

  afterAll(async () => {
    await kernel?.stop();
    await app?.cleanup();
    await dropSchema(schema);
  }, 30_000);

  it('keeps envelope.dsn of a queued message, of the message it finished as, and of an inbox entry', async () => {
    app = await createE2eApp(['provider-loopback'], { transportOrder: ['loopback'], providers: { loopback: { config: { latencyMs: 0 } } }, spooler: { pollMs: 50 } });
    kernel = createKernel({ root: app.root, env: {}, store: createPostgresStore({ connectionString: TEST_PG_URL, schema, poolSize: 2 }) });
    await kernel.start();
    const expected: DsnRequest = {
      ret: 'full',
      envelopeId: 'pg-env-1',
      notify: ['failure'],
      recipients: [{ recipient: { type: 'loopback', address: 'you' }, notify: ['success', 'delay'], originalRecipient: { type: 'rfc822', value: 'you@example.org' } }],
    };
    const delivered = new Promise<void>((resolve) => kernel!.spooler().on('delivered', () => resolve()));
    const { messageId } = await kernel.submit({
      from: 'loopback:me',
      to: ['loopback:you'],
      text: 'x',
      dsn: { ...expected, recipients: [{ recipient: 'loopback:you', notify: ['success', 'delay'], originalRecipient: 'rfc822;you@example.org' }] },
    });
    const store = kernel.store()!;
    expect((await store.getMessage(messageId))?.envelope.dsn).toEqual(expected);
    await delivered;
    await expect.poll(async () => (await store.listSent()).find((m) => m.id === messageId)?.envelope.dsn, { timeout: 15_000 }).toEqual(expected);

    await kernel.spooler().inbound.deliver({ recipients: [{ type: 'loopback', address: 'desk' }], text: 'in', dsn: { envelopeId: 'pg-in-1', recipients: [{ recipient: 'loopback:desk', notify: 'never' }] } });
    const [entry] = await store.listInbox('loopback:desk');
    expect(entry?.envelope.dsn).toEqual({ envelopeId: 'pg-in-1', recipients: [{ recipient: { type: 'loopback', address: 'desk' }, notify: 'never' }] });
  });
});
