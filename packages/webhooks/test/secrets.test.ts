import { findSecret } from '../../provider-sdk/src/testing/secret-search.js';
import { afterEach, describe, expect, it } from 'vitest';
import { recordOutput, registerSecret, unregisterSecret } from '../../../test/support/output-recorder.js';
import { createFixture, newSecret, retryUntil, webhookSettings } from './support/dispatcher-fixture.js';
import { deliveryStory } from './support/memory-event-log.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('webhook secrets', () => {
  it('never show in logs or status: neither the signing secret nor a token in the URL', async () => {
    const secret = newSecret();
    const urlToken = `tok-${newSecret().slice(6, 30)}`;
    registerSecret('webhook signing secret', secret);
    registerSecret('webhook URL token', urlToken);
    cleanups.push(async () => {
      unregisterSecret(secret);
      unregisterSecret(urlToken);
    });
    const f = await createFixture();
    const r = await new WebhookReceiver((n) => (n < 3 ? 500 : n < 4 ? 'hang' : 410)).listen();
    cleanups.push(() => f.close(), () => r.close());
    const dispatcher = await f.start([{ settings: webhookSettings('orders', `${r.url}?token=${urlToken}`, { timeoutMs: 300 }), secret }]);
    deliveryStory(f.log, 2);
    await retryUntil(dispatcher, f.timer, ([s]) => s!.state === 'disabled');

    const status = JSON.stringify(dispatcher.status());
    const logs = f.logs.text();
    recordOutput('webhook status', status);
    recordOutput('webhook logs', logs);
    const secrets = { secret, urlToken, key: Buffer.from(secret.slice(6), 'base64').toString('hex') };
    expect(findSecret(status, secrets)).toBeUndefined();
    expect(findSecret(logs, secrets)).toBeUndefined();
    expect(status).toContain(r.url); // the URL is shown, without its query
    expect(logs).toContain('got no answer within 300 ms');
  });
});
