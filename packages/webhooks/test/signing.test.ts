import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { XportError } from '@xport/provider-sdk';
import { describe, expect, it } from 'vitest';
import { signWebhook, toWebhookHeaders, toWebhookKey, toWebhookPayload, verifyWebhook } from '../src/index.js';

// The example vector of the Standard Webhooks reference libraries ("sign function works").
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const freshSecret = (bytes = 32): string => `whsec_${randomBytes(bytes).toString('base64')}`;

describe('signing as the Standard Webhooks specification says', () => {
  it('reproduces the published example signature', () => {
    expect(signWebhook(toWebhookKey(SPEC.secret, 'spec'), SPEC)).toBe(SPEC.signature);
  });

  it('is verified by the official standardwebhooks package, for an xport payload signed now', () => {
    const secret = freshSecret();
    const body = JSON.stringify(toWebhookPayload({ id: 7, type: 'delivered', at: Date.now(), messageId: 'm1', recipientIndex: 0, recipient: 'smtp:bob@example.org', provider: 'smtp', attempts: 1 }));
    const headers = toWebhookHeaders(toWebhookKey(secret, 'test'), { id: 'evt_7', timestamp: Math.floor(Date.now() / 1000), body });
    expect(new Webhook(secret).verify(body, { ...headers })).toMatchObject({ type: 'message.delivered', data: { id: 7, messageId: 'm1' } });
    // …and refused by it when one byte of the body changes.
    expect(() => new Webhook(secret).verify(body.replace('m1', 'm2'), { ...headers })).toThrow();
  });

  it('signs what the official package signs, for any secret and body', () => {
    for (const bytes of [24, 32, 64]) {
      const secret = freshSecret(bytes);
      const body = JSON.stringify({ n: bytes, text: 'ünïcödé ✓' });
      const at = new Date(1_700_000_000_000 + bytes * 1000);
      expect(signWebhook(toWebhookKey(secret, 'test'), { id: `evt_${bytes}`, timestamp: Math.floor(at.getTime() / 1000), body })).toBe(new Webhook(secret).sign(`evt_${bytes}`, at, body));
    }
  });

  it('verifies with verifyWebhook what the official package signed, and refuses tampering, old timestamps and a wrong secret', () => {
    const secret = freshSecret();
    const body = '{"type":"message.failed"}';
    const now = new Date();
    const headers = { 'webhook-id': 'evt_1', 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign('evt_1', now, body) };
    expect(verifyWebhook(secret, headers, body)).toBe(true);
    expect(verifyWebhook(secret, { ...headers, 'webhook-signature': `v1,bm90IGl0 ${headers['webhook-signature']}` }, body)).toBe(true);
    expect(verifyWebhook(secret, headers, `${body} `)).toBe(false);
    expect(verifyWebhook(secret, { ...headers, 'webhook-id': 'evt_2' }, body)).toBe(false);
    expect(verifyWebhook(secret, headers, body, { now: now.getTime() + 301_000 })).toBe(false);
    expect(verifyWebhook(freshSecret(), headers, body)).toBe(false);
    expect(verifyWebhook(secret, { ...headers, 'webhook-signature': undefined }, body)).toBe(false);
  });

  it.each([
    ['no whsec_ prefix', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'must start with "whsec_"'],
    ['not base64', 'whsec_not base64!', 'followed by base64'],
    ['too short a key', `whsec_${randomBytes(16).toString('base64')}`, 'encodes 16'],
    ['too long a key', `whsec_${randomBytes(65).toString('base64')}`, 'encodes 65'],
  ])('refuses a secret with %s (XPORT_WEBHOOK_SECRET_INVALID, the value not shown)', (_case, secret, problem) => {
    let caught: unknown;
    try {
      toWebhookKey(secret, 'webhook "orders"');
    } catch (error) {
      caught = error;
    }
    expect(XportError.is(caught, 'XPORT_WEBHOOK_SECRET_INVALID')).toBe(true);
    expect((caught as Error).message).toContain('webhook "orders"');
    expect((caught as Error).message).toContain(problem);
    expect((caught as Error).message).not.toContain(secret.slice(6));
  });
});
