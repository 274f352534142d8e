import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKernel, toXportConfig } from '@xport/core';
import { DELIVERY_EVENT_TYPES, XportError } from '@xport/provider-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { readWebhookEndpoints } from '../src/index.js';
import { newSecret } from './support/dispatcher-fixture.js';

const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

function refusal(webhooks: unknown): XportError {
  try {
    toXportConfig({ webhooks }, 'xport.config.json');
  } catch (error) {
    if (XportError.is(error, 'XPORT_CONFIG_INVALID')) return error as XportError;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

const good = { id: 'orders', url: 'https://hooks.example.org/xport', secret: 'ordersSecret' };

describe('webhooks in xport.config.json', () => {
  it('applies the documented defaults', () => {
    expect(toXportConfig({ webhooks: [good] }, 'test').webhooks).toEqual([
      { ...good, events: [...DELIVERY_EVENT_TYPES], enabled: true, timeoutMs: 15000, retry: { minDelayMs: 5000, maxDelayMs: 3600000, maxAttempts: 20 } },
    ]);
    expect(toXportConfig({}, 'test').webhooks).toEqual([]);
  });

  it.each([
    ['a URL that is not http(s)', [{ ...good, url: 'ftp://hooks.example.org/x' }], '/webhooks/0/url'],
    ['a URL that does not parse', [{ ...good, url: 'https://exa mple.org/x' }], '/webhooks/0/url must be an http or https URL (it does not parse as a URL)'],
    ['a URL with a password', [{ ...good, url: 'https://ada:hunter22@hooks.example.org/x' }], '/webhooks/0/url must not carry a user name or password'],
    ['two endpoints with one id', [good, { ...good, url: 'http://127.0.0.1:9/x' }], '/webhooks/1/id must be unique (got "orders" twice)'],
    ['no secret named', [{ id: 'orders', url: good.url }], 'field /webhooks/0/secret is required'],
    ['an unknown event type', [{ ...good, events: ['delivered', 'opened'] }], '/webhooks/0/events/1'],
    ['an unknown key', [{ ...good, headers: {} }], 'headers'],
    ['minDelayMs above maxDelayMs', [{ ...good, retry: { minDelayMs: 10_000, maxDelayMs: 5000 } }], '/webhooks/0/retry/minDelayMs must not exceed /webhooks/0/retry/maxDelayMs (got 10000 > 5000)'],
  ])('refuses %s with XPORT_CONFIG_INVALID naming the field', (_case, webhooks, expected) => {
    const error = refusal(webhooks);
    expect(error.message).toContain(expected);
    expect(error.message).not.toContain('hunter22');
  });
});

describe('reading the signing secrets through the credential service', () => {
  async function kernelWith(credentials: Record<string, string>, webhooks: unknown[] = [good]) {
    const root = await mkdtemp(join(tmpdir(), 'xport-webhooks-config-'));
    roots.push(root);
    return createKernel({ root, config: { webhooks } as never, env: {}, credentials: { webhooks: credentials } });
  }

  it('gives each enabled endpoint a signer under its secret; a disabled one needs no secret', async () => {
    const kernel = await kernelWith({ ordersSecret: newSecret() }, [good, { id: 'off', url: 'https://x.example.org/', secret: 'offSecret', enabled: false }]);
    const endpoints = await readWebhookEndpoints(kernel);
    expect(endpoints.map((e) => e.settings.id)).toEqual(['orders']);
    expect(endpoints[0]!.sign({ id: 'evt_1', timestamp: 1, body: '{}' })['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('refuses to start without the secret: XPORT_CREDENTIAL_MISSING naming the variable', async () => {
    const kernel = await kernelWith({});
    const error = await readWebhookEndpoints(kernel).then(() => undefined, (e: unknown) => e);
    expect(XportError.is(error, 'XPORT_CREDENTIAL_MISSING')).toBe(true);
    expect((error as Error).message).toContain('XPORT_WEBHOOKS__ORDERS_SECRET');
  });

  it('refuses a secret that is not whsec_ and base64: XPORT_WEBHOOK_SECRET_INVALID naming the endpoint, not the value', async () => {
    const kernel = await kernelWith({ ordersSecret: 'not-a-standard-webhooks-secret' });
    const error = await readWebhookEndpoints(kernel).then(() => undefined, (e: unknown) => e);
    expect(XportError.is(error, 'XPORT_WEBHOOK_SECRET_INVALID')).toBe(true);
    expect((error as Error).message).toContain('webhook "orders" (credential "ordersSecret" of "webhooks")');
    expect((error as Error).message).not.toContain('not-a-standard-webhooks-secret');
  });
});
