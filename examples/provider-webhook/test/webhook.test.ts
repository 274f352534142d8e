import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XportError } from '@xport/provider-sdk';
import { makeOutboundMessage } from '@xport/provider-sdk/testing';
import { parseRetryAfter, verifyWebhookSignature } from '../src/index.js';
import { startWebhookServer, type WebhookServer } from './support/webhook-server.js';
import { createTestTransport } from './support/transport-context.js';

const SECRET = 'webhook-signing-secret-5d1e8b2a';
let server: WebhookServer;
const signal = () => ({ signal: new AbortController().signal });

beforeAll(async () => {
  server = await startWebhookServer(SECRET);
});
afterAll(() => server.close());

const to = (path: string) => `https:${server.origin}${path}`;

describe('webhook transport against a local HTTP server', () => {
  it('POSTs signed JSON with the message, one request per recipient', async () => {
    const { transport } = createTestTransport({ allowHttp: true }, SECRET);
    const { message, assigned } = makeOutboundMessage({
      from: 'loopback:shop',
      to: [to('/ok/orders'), to('/ok/audit')],
      subject: 'order 42',
      headers: { 'X-Order': '42' },
      parts: [
        { kind: 'text', contentType: 'text/plain; charset=utf-8', content: 'one widget' },
        { kind: 'attachment', contentType: 'application/octet-stream', content: new Uint8Array([1, 2, 3]), filename: 'a.bin' },
      ],
    });
    const outcomes = await transport.send(message, assigned, signal());
    expect(outcomes).toEqual([expect.objectContaining({ status: 'delivered' }), expect.objectContaining({ status: 'delivered' })]);
    const posts = server.received.filter((p) => p.path.startsWith('/ok/'));
    expect(posts.map((p) => p.path).sort()).toEqual(['/ok/audit', '/ok/orders']);
    const orders = posts.find((p) => p.path === '/ok/orders')!;
    expect(orders.signed).toBe(true);
    expect(orders.headers['content-type']).toBe('application/json');
    expect(JSON.parse(orders.body)).toMatchObject({
      type: 'xport.message',
      to: to('/ok/orders'),
      from: 'loopback:shop',
      subject: 'order 42',
      headers: { 'X-Order': '42' },
      text: 'one widget',
      attachments: [{ filename: 'a.bin', contentType: 'application/octet-stream', size: 3, contentBase64: 'AQID' }],
    });
    expect(orders.body).not.toContain('/ok/audit'); // each POST names only its own recipient
  });

  it('a signature does not verify with another secret, another body or an old timestamp', () => {
    const orders = server.received.find((p) => p.path === '/ok/orders')!;
    const base = { body: orders.body, timestamp: orders.headers['x-xport-timestamp'] as string, signature: orders.headers['x-xport-signature'] as string };
    expect(verifyWebhookSignature({ secret: SECRET, ...base })).toBe(true);
    expect(verifyWebhookSignature({ secret: 'another-secret-of-length', ...base })).toBe(false);
    expect(verifyWebhookSignature({ secret: SECRET, ...base, body: `${orders.body} ` })).toBe(false);
    expect(verifyWebhookSignature({ secret: SECRET, ...base, nowMs: Date.now() + 3_600_000 })).toBe(false);
  });

  it('fails 4xx permanently with the status and a one-line body excerpt', async () => {
    const { transport } = createTestTransport({ allowHttp: true }, SECRET);
    const { message, assigned } = makeOutboundMessage({ to: [to('/gone'), to('/moved')] });
    const [gone, moved] = (await transport.send(message, assigned, signal())) as Array<{ status: string; code?: string; diagnostic?: string }>;
    expect(gone).toEqual({ status: 'failed', code: '5.0.0', diagnostic: `webhook: ${server.origin}/gone answered HTTP 404 Not Found: no such hook here` });
    expect(moved).toMatchObject({ status: 'failed', code: '5.0.0', diagnostic: expect.stringContaining('HTTP 302') });
  });

  it('defers 5xx honouring Retry-After in seconds and as an HTTP date', async () => {
    const { transport } = createTestTransport({ allowHttp: true }, SECRET);
    const { message, assigned } = makeOutboundMessage({ to: [to('/busy'), to('/busy-until')] });
    const [busy, until] = (await transport.send(message, assigned, signal())) as Array<{ status: string; retryAfterMs?: number; code?: string }>;
    expect(busy).toMatchObject({ status: 'deferred', code: '4.0.0', retryAfterMs: 120_000 });
    expect(until).toMatchObject({ status: 'deferred', code: '4.0.0' });
    expect(until?.retryAfterMs).toBeGreaterThan(3_500_000);
    expect(until?.retryAfterMs).toBeLessThanOrEqual(3_600_000);
  });

  it('defers a POST that gets no answer within timeoutMs', async () => {
    const { transport } = createTestTransport({ allowHttp: true, timeoutMs: 200 }, SECRET);
    const { message, assigned } = makeOutboundMessage({ to: [to('/slow')] });
    expect(await transport.send(message, assigned, signal())).toEqual([
      { status: 'deferred', code: '4.4.1', diagnostic: `webhook: ${server.origin}/slow did not answer within 200 ms` },
    ]);
  });

  it('refuses plain http unless allowHttp, and a non-URL address, without any request', async () => {
    const before = server.received.length;
    const { transport } = createTestTransport({}, SECRET);
    const { message, assigned } = makeOutboundMessage({ to: [to('/ok/plain'), 'https:not a url'] });
    const outcomes = (await transport.send(message, assigned, signal())) as Array<{ status: string; code?: string; diagnostic?: string }>;
    expect(outcomes.map((o) => [o.status, o.code])).toEqual([
      ['failed', '5.1.3'],
      ['failed', '5.1.3'],
    ]);
    expect(outcomes[0]?.diagnostic).toContain('allowHttp');
    expect(server.received.length).toBe(before);
  });

  it('answers not-me for hosts outside its hosts list', async () => {
    const { transport } = createTestTransport({ allowHttp: true, hosts: ['hooks.example.org'] }, SECRET);
    const { message, assigned } = makeOutboundMessage({ to: [to('/ok/elsewhere')] });
    expect(await transport.send(message, assigned, signal())).toEqual([{ status: 'not-me' }]);
  });

  it('fails a message larger than maxBodyBytes with 5.3.4 for every recipient', async () => {
    const { transport } = createTestTransport({ allowHttp: true, maxBodyBytes: 256 }, SECRET);
    const { message, assigned } = makeOutboundMessage({ to: [to('/ok/big')], parts: [{ kind: 'text', contentType: 'text/plain', content: 'x'.repeat(1000) }] });
    expect(await transport.send(message, assigned, signal())).toMatchObject({ status: 'failed', code: '5.3.4' });
  });

  it('logon: refuses a short secret and one the verify endpoint rejects, never printing it', async () => {
    const short = createTestTransport({}, 'too-short');
    await expect(short.transport.logon!()).rejects.toSatisfy((e) => XportError.is(e, 'XPORT_LOGON_FAILED') && !(e as Error).message.includes('too-short'));
    const wrongSecret = 'a-wrong-signing-secret-000000';
    const wrong = createTestTransport({ allowHttp: true, verifyUrl: `${server.origin}/verify` }, wrongSecret);
    const error = await Promise.resolve(wrong.transport.logon!()).then(() => undefined, (e: unknown) => e);
    expect(XportError.is(error, 'XPORT_LOGON_FAILED')).toBe(true);
    expect(JSON.stringify(error) + String((error as Error).message)).not.toContain(wrongSecret);
    const good = createTestTransport({ allowHttp: true, verifyUrl: `${server.origin}/verify` }, SECRET);
    await expect(good.transport.logon!()).resolves.toBeUndefined();
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates, and ignores anything else', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
