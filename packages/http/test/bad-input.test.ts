import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '@xport/store-sqlite';
import { toBodyLimit } from '../src/index.js';
import { createApiApp, type ApiApp } from './support/api-app.js';

let app: ApiApp | undefined;
afterEach(async () => {
  await app?.cleanup();
  app = undefined;
});

const message = { from: 'loopback:me', to: ['loopback:you'], subject: 'hi', text: 'hello' };
const post = (payload: unknown, headers: Record<string, string> = {}) =>
  app!.request({ method: 'POST', url: '/v1/messages', headers: { 'content-type': 'application/json', ...headers }, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });

/** Nothing a refused request sent was kept. */
async function expectQueueEmpty(): Promise<void> {
  const queue = await app!.request({ method: 'GET', url: '/v1/queue' });
  expect(queue.json()).toEqual({ recipients: [], nextCursor: null });
}

describe('bad input: every refusal is a coded error and nothing is queued', () => {
  it('refuses malformed JSON, prototype keys, an empty body and another media type before the kernel sees them', async () => {
    app = await createApiApp({ start: true });
    for (const body of ['{"from": "loopback:me", ', '{"__proto__": {"admin": true}, "to": ["loopback:you"]}', '']) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({ code: 'XPORT_HTTP_REQUEST_INVALID', message: expect.stringContaining('request body is not valid JSON') });
    }
    const text = await app.request({ method: 'POST', url: '/v1/messages', headers: { 'content-type': 'text/plain' }, payload: 'from: loopback:me' });
    expect(text.status).toBe(415);
    expect(text.json()).toEqual({ code: 'XPORT_HTTP_REQUEST_INVALID', message: 'request body must be application/json' });
    await expectQueueEmpty();
  });

  it('refuses unknown fields and wrong types, naming each field', async () => {
    app = await createApiApp();
    const unknown = await post({ ...message, sender: 'loopback:me', attachments: [{ filename: 'a', content: 'YQ==', mime: 'x' }] });
    expect(unknown.status).toBe(400);
    expect(unknown.json()).toMatchObject({
      code: 'XPORT_HTTP_REQUEST_INVALID',
      details: { part: 'body', problems: expect.arrayContaining(['body has an unknown field "sender"', 'body/attachments/0 has an unknown field "mime"']) },
    });
    const wrongType = await post({ ...message, to: 'loopback:you', deliveryReport: 'yes' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json<{ message: string }>().message).toContain('body/to must be array');
    expect(wrongType.json<{ message: string }>().message).toContain('body/deliveryReport must be boolean');
    const badKey = await post(message, { 'idempotency-key': 'k'.repeat(300) });
    expect(badKey.status).toBe(400);
    expect(badKey.json<{ message: string }>().message).toContain('headers/idempotency-key must NOT have more than 258 characters');
    await expectQueueEmpty();
  });

  it('refuses a body over the limit with 413 XPORT_INPUT_TOO_LARGE; content over maxMessageBytes in a smaller body is the kernel\'s 422', async () => {
    app = await createApiApp({ config: { spooler: { maxMessageBytes: 3000 } } });
    const limit = toBodyLimit(3000);
    const huge = await post({ ...message, text: 'x'.repeat(limit) });
    expect(huge.status).toBe(413);
    expect(huge.json()).toEqual({ code: 'XPORT_INPUT_TOO_LARGE', message: `request body is larger than ${limit} bytes, the limit that follows spooler.maxMessageBytes`, details: { maxBodyBytes: limit } });
    const over = await post({ ...message, attachments: [{ filename: 'big.bin', content: Buffer.alloc(3001).toString('base64') }] });
    expect(over.status).toBe(422);
    expect(over.json()).toMatchObject({ code: 'XPORT_MESSAGE_INVALID', message: expect.stringContaining('larger than maxMessageBytes (3000 bytes)') });
    await expectQueueEmpty();
  });

  it('answers what the kernel refuses with 422 and its code: addresses, header characters, base64', async () => {
    app = await createApiApp();
    const cases: Array<[unknown, string, string]> = [
      [{ ...message, to: ['loopback:'] }, 'XPORT_ADDRESS_INVALID', 'address is empty'],
      [{ ...message, headers: { 'X-Evil': 'a\r\nBcc: victim@example.org' } }, 'XPORT_MESSAGE_INVALID', 'CR, LF'],
      [{ ...message, attachments: [{ filename: 'a.bin', content: 'not base64!' }] }, 'XPORT_MESSAGE_INVALID', 'attachments[0]: content is not valid base64'],
      [{ from: 'loopback:me', text: 'no recipients' }, 'XPORT_MESSAGE_INVALID', 'recipient'],
    ];
    for (const [payload, code, says] of cases) {
      const res = await post(payload);
      expect(res.status, code).toBe(422);
      expect(res.json(), code).toMatchObject({ code, message: expect.stringContaining(says) });
    }
    await expectQueueEmpty();
  });

  it('answers a hook\'s rejection with 422, and 503 with Retry-After while a policy hook is not online', async () => {
    app = await createApiApp({ fixtures: ['policy-hook'] });
    const rejected = await post({ ...message, subject: 'sale [blocked] now' });
    expect(rejected.status).toBe(422);
    expect(rejected.json()).toMatchObject({ code: 'XPORT_MESSAGE_REJECTED', message: expect.stringContaining('blocked word') });
    await app.cleanup();

    app = await createApiApp({ fixtures: ['policy-hook'], config: { providers: { policy: { config: { failLogon: true } } } } });
    const refused = await post(message);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.json()).toMatchObject({ code: 'XPORT_HOOK_UNAVAILABLE', message: expect.stringContaining("'policy'") });
    await expectQueueEmpty();
  });

  it('answers 503 with Retry-After while the kernel is not started, and when the store is full', async () => {
    app = await createApiApp({ start: false });
    const early = await post(message);
    expect(early.status).toBe(503);
    expect(early.headers['retry-after']).toBe('5');
    expect(early.json()).toMatchObject({ code: 'XPORT_KERNEL_NOT_STARTED' });
    const reading = await app.request({ method: 'GET', url: '/v1/queue' });
    expect(reading.status).toBe(503);
    expect(reading.json()).toMatchObject({ code: 'XPORT_STORE_UNAVAILABLE' });
    await app.cleanup();

    // A store with a size quota behaves like a full disk.
    app = await createApiApp({ store: (root) => createSqliteStore({ path: join(root, 'quota.db'), maxSizeBytes: 256 * 1024 }) });
    expect((await post(message)).status).toBe(202);
    const full = await post({ ...message, attachments: [{ filename: 'big.bin', content: Buffer.alloc(1024 * 1024, 1).toString('base64') }] });
    expect(full.status).toBe(503);
    expect(full.headers['retry-after']).toBe('5');
    expect(full.json()).toMatchObject({ code: 'XPORT_STORE_FULL' });
  });

  it('refuses bad paging and unknown query parameters, an invalid mailbox, and unknown routes', async () => {
    app = await createApiApp();
    const cases: Array<[string, number, string]> = [
      ['/v1/queue?cursor=bm90LWEtY3Vyc29y', 400, 'queue cursor is not one a queue listing issued'],
      ['/v1/queue?limit=0', 400, 'querystring/limit must be >= 1'],
      ['/v1/queue?limit=5000', 400, 'querystring/limit must be <= 1000'],
      ['/v1/queue?status=deferred', 400, 'querystring has an unknown field "status"'],
      ['/v1/queue?state=delivered', 400, 'querystring/state/0 must be equal to one of the allowed values'],
      ['/v1/inbox/%3Cnot%20an%20address', 422, 'recipient'],
      ['/v1/messages/no-such-id', 404, 'no message "no-such-id"'],
      ['/v2/messages', 404, 'no route GET /v2/messages'],
    ];
    for (const [url, status, says] of cases) {
      const res = await app.request({ method: 'GET', url });
      expect(res.status, url).toBe(status);
      expect(res.json<{ message: string }>().message, url).toContain(says);
    }
  });
});
