import { Validator } from '@seriousme/openapi-schema-validator';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenApiChecker } from '../../../test/support/openapi-check.js';
import { createApiApp, type ApiApp } from './support/api-app.js';

let app: ApiApp | undefined;
afterEach(async () => {
  await app?.cleanup();
  app = undefined;
});

type Operation = { security?: unknown[]; responses: Record<string, unknown>; summary?: string };

describe('GET /v1/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document of every route, generated from the route schemas', async () => {
    app = await createApiApp({ start: false });
    const res = await app.request({ method: 'GET', url: '/v1/openapi.json' });
    expect(res.status).toBe(200);
    const document = res.json<{ openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } }>();
    const result = await new Validator().validate(document as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');

    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })));
    expect(operations.map((o) => o.route).sort()).toEqual([
      'GET /livez',
      'GET /metrics',
      'GET /readyz',
      'GET /v1/events',
      'GET /v1/inbox/{mailbox}',
      'GET /v1/inbox/{mailbox}/{entryId}',
      'GET /v1/inbox/{mailbox}/{entryId}/parts/{partId}',
      'GET /v1/messages/{id}',
      'GET /v1/messages/{id}/parts/{partId}',
      'GET /v1/openapi.json',
      'GET /v1/providers',
      'GET /v1/queue',
      'GET /v1/suppressions',
      'POST /v1/messages',
      'POST /v1/queue/{operation}',
      'POST /v1/suppressions',
      'DELETE /v1/suppressions/{address}',
    ].sort());
    const open = ['GET /livez', 'GET /readyz', 'GET /v1/openapi.json'];
    for (const { route, op } of operations) {
      expect(op.summary, route).toEqual(expect.any(String));
      if (open.includes(route)) expect(op.security, route).toEqual([]);
      else {
        // Bearer auth from the document's default, and the answers auth can give.
        expect(op.security, route).toBeUndefined();
        expect(Object.keys(op.responses), route).toEqual(expect.arrayContaining(['401', '429', '500']));
      }
    }
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(['Error', 'Message', 'RecipientStatus', 'InboxEntry', 'Provider', 'Recipient', 'Envelope', 'Part', 'QueueDepth', 'Suppression']));
    expect(document.paths['/v1/messages']!.post!.responses).toHaveProperty('503');
  });
});

describe('the response check the tests run on every answer', () => {
  it('refuses a body that does not match, a status not documented, and a route that does not exist', async () => {
    app = await createApiApp({ start: false });
    const check = createOpenApiChecker(app.api.server.swagger());
    const receipt = (body: unknown, status = 202) => ({ method: 'POST', url: '/v1/messages', status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(body) });
    const good = { messageId: 'm1', duplicate: false, recipients: [{ recipient: { type: 'loopback', address: 'you' }, provider: 'loopback', state: 'queued' }], href: '/v1/messages/m1' };
    expect(() => check(receipt(good))).not.toThrow();
    expect(() => check(receipt({ ...good, messageId: undefined }))).toThrow(/must have required property 'messageId'/);
    expect(() => check(receipt({ ...good, recipients: [{ ...good.recipients[0], state: 'lost' }] }))).toThrow(/must be equal to one of the allowed values/);
    expect(() => check(receipt(good, 201))).toThrow(/status 201 is not documented/);
    expect(() => check({ ...receipt({ code: 'XPORT_HTTP_ROUTE_NOT_FOUND', message: 'x' }, 200), method: 'GET', url: '/v2/anything' })).toThrow(/no documented route/);
    expect(() => check(receipt({ code: 'not a code', message: 'x' }, 400))).toThrow(/must match pattern/);
  });
});
