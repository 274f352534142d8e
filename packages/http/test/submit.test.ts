import { afterEach, describe, expect, it } from 'vitest';
import { createApiApp, type ApiApp } from './support/api-app.js';

let app: ApiApp | undefined;
afterEach(async () => {
  await app?.cleanup();
  app = undefined;
});

const message = { from: 'loopback:me', to: ['Bob <loopback:bob>'], cc: [{ type: 'loopback', address: 'carol' }], subject: 'hi', text: 'hello over HTTP' };

describe('POST /v1/messages', () => {
  it('queues a message: 202 with the receipt and its location, then the message reads as delivered', async () => {
    app = await createApiApp();
    const delivered = app.next('delivered', (e) => e.recipient.address === 'carol');
    const res = await app.request({ method: 'POST', url: '/v1/messages', payload: message });
    expect(res.status).toBe(202);
    const receipt = res.json<{ messageId: string; duplicate: boolean; recipients: unknown[]; href: string }>();
    expect(receipt).toEqual({
      messageId: expect.any(String),
      duplicate: false,
      recipients: [
        { recipient: { type: 'loopback', address: 'bob', name: 'Bob' }, provider: 'loopback', state: 'queued' },
        { recipient: { type: 'loopback', address: 'carol' }, provider: 'loopback', state: 'queued' },
      ],
      href: `/v1/messages/${receipt.messageId}`,
    });
    expect(res.headers.location).toBe(receipt.href);
    await delivered;

    const read = await app.request({ method: 'GET', url: receipt.href });
    expect(read.status).toBe(200);
    const stored = read.json<{ envelope: unknown; recipients: Array<{ state: string; role: string }>; finishedAt?: string; parts: Array<{ href: string }> }>();
    expect(stored.envelope).toMatchObject({ from: { type: 'loopback', address: 'me' }, subject: 'hi', kind: 'note' });
    expect(stored.recipients.map((r) => [r.role, r.state])).toEqual([
      ['to', 'delivered'],
      ['cc', 'delivered'],
    ]);
    expect(Date.parse(stored.finishedAt!)).not.toBeNaN();
    const text = await app.request({ method: 'GET', url: stored.parts[0]!.href });
    expect(text.body).toBe('hello over HTTP');
  });

  it('decodes base64 attachments (and utf8 ones as written) and serves each back with its filename', async () => {
    app = await createApiApp();
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 255]);
    const res = await app.request({
      method: 'POST',
      url: '/v1/messages',
      payload: {
        ...message,
        attachments: [
          { filename: 'raw.bin', contentType: 'application/octet-stream', content: bytes.toString('base64') },
          { filename: 'notes é.txt', contentType: 'text/plain', content: 'plain words', encoding: 'utf8' },
        ],
      },
    });
    expect(res.status).toBe(202);
    const stored = (await app.request({ method: 'GET', url: res.json<{ href: string }>().href })).json<{ parts: Array<{ kind: string; href: string; filename?: string }> }>();
    const [raw, notes] = stored.parts.filter((p) => p.kind === 'attachment');
    const rawBytes = await app.request({ method: 'GET', url: raw!.href });
    expect(rawBytes.raw.equals(bytes)).toBe(true);
    expect(rawBytes.headers['content-disposition']).toBe('attachment; filename=raw.bin');
    const notesBody = await app.request({ method: 'GET', url: notes!.href });
    expect(notesBody.body).toBe('plain words');
    expect(notesBody.headers['content-disposition']).toBe(`attachment; filename="notes ?.txt"; filename*=UTF-8''notes%20%C3%A9.txt`);
    expect(notesBody.headers['x-content-type-options']).toBe('nosniff');
  });

  it('takes the Idempotency-Key header: the same content again is the same message, other content is 409', async () => {
    app = await createApiApp();
    const first = await app.request({ method: 'POST', url: '/v1/messages', headers: { 'idempotency-key': '"order-42"' }, payload: message });
    const again = await app.request({ method: 'POST', url: '/v1/messages', headers: { 'idempotency-key': 'order-42' }, payload: message });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.json()).toMatchObject({ messageId: first.json().messageId, duplicate: true });

    const other = await app.request({ method: 'POST', url: '/v1/messages', headers: { 'idempotency-key': 'order-42' }, payload: { ...message, text: 'something else' } });
    expect(other.status).toBe(409);
    expect(other.json()).toMatchObject({ code: 'XPORT_IDEMPOTENCY_CONFLICT', message: expect.stringContaining('order-42') });
    const stored = await app.request({ method: 'GET', url: `/v1/messages/${first.json().messageId as string}` });
    expect(stored.json()).toMatchObject({ idempotencyKey: 'order-42' });
  });

  it('answers a recipient no transport takes with provider null, and settles it failed with a report', async () => {
    app = await createApiApp();
    const res = await app.request({ method: 'POST', url: '/v1/messages', payload: { from: 'loopback:me', to: ['fax:+331234'], text: 'x' } });
    expect(res.status).toBe(202);
    expect(res.json().recipients).toEqual([{ recipient: { type: 'fax', address: '+331234' }, provider: null, state: 'failed' }]);
    const stored = (await app.request({ method: 'GET', url: res.json<{ href: string }>().href })).json<{ recipients: Array<{ state: string; lastError?: { code: string } }> }>();
    expect(stored.recipients[0]).toMatchObject({ state: 'failed', lastError: { code: expect.stringMatching(/^5\./) } });
  });

  it('takes the DSN parameters (RFC 3461): a success report for the recipient that asked, the envelope reads them back, bad ones are 400', async () => {
    app = await createApiApp();
    const delivered = app.next('delivered', (e) => e.recipient.address === 'bob');
    const dsn = { ret: 'hdrs', envelopeId: 'http-1', notify: 'never', recipients: [{ recipient: 'loopback:bob', notify: ['success'], originalRecipient: 'rfc822;bob@example.org' }] };
    const res = await app.request({ method: 'POST', url: '/v1/messages', payload: { ...message, dsn } });
    expect(res.status).toBe(202);
    await delivered;
    const stored = (await app.request({ method: 'GET', url: res.json<{ href: string }>().href })).json<{ envelope: { dsn: unknown } }>();
    expect(stored.envelope.dsn).toEqual({
      ret: 'hdrs',
      envelopeId: 'http-1',
      notify: 'never',
      recipients: [{ recipient: { type: 'loopback', address: 'bob' }, notify: ['success'], originalRecipient: { type: 'rfc822', value: 'bob@example.org' } }],
    });
    await expect.poll(async () => (await app!.request({ method: 'GET', url: '/v1/inbox/loopback:me' })).json<{ entries: Array<{ envelope: { kind: string } }> }>().entries.map((e) => e.envelope.kind)).toEqual(['report.dr']);

    const shape = await app.request({ method: 'POST', url: '/v1/messages', payload: { ...message, dsn: { notify: ['sometimes'] } } });
    expect(shape.status).toBe(400);
    const rule = await app.request({ method: 'POST', url: '/v1/messages', payload: { ...message, dsn: { recipients: [{ recipient: 'loopback:bob', originalRecipient: 'bob@example.org' }] } } });
    expect(rule.status).toBe(422);
    expect(rule.json()).toMatchObject({ code: 'XPORT_MESSAGE_INVALID', message: expect.stringContaining('dsn.recipients[0].originalRecipient') });
  });
});
