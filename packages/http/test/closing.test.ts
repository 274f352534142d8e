import { afterEach, describe, expect, it } from 'vitest';
import { BearerAuth } from '../src/auth/bearer-auth.js';
import { FailedAuthLimiter } from '../src/auth/failed-auth-limiter.js';
import { TokenSet } from '../src/auth/token-set.js';
import { HttpRequestMetrics } from '../src/metrics/http-request-metrics.js';
import { createServer } from '../src/server/create-server.js';
import { createCaptureLogger, createApiApp, type ApiApp } from './support/api-app.js';
import { Registry } from 'prom-client';

let app: ApiApp | undefined;
const hold = globalThis as { __xportPolicyHold?: Promise<void>; __xportPolicyEntered?: () => void };
afterEach(async () => {
  delete hold.__xportPolicyHold;
  delete hold.__xportPolicyEntered;
  await app?.cleanup();
  app = undefined;
});

describe('closing the API', () => {
  it('lets a request under way finish before close() resolves, then ends its keep-alive connection: what was answered 202 is kept', { timeout: 60_000 }, async () => {
    // A cut-off far beyond the test's timeout: close() must not wait for it, though the client keeps its connection alive.
    app = await createApiApp({ fixtures: ['policy-hook'], config: { spooler: { stopTimeoutMs: 600_000 } } });
    const url = await app.api.listen();
    let release: () => void = () => undefined;
    hold.__xportPolicyHold = new Promise<void>((resolve) => (release = resolve));
    const entered = new Promise<void>((resolve) => (hold.__xportPolicyEntered = resolve));

    const underWay = fetch(`${url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: 'loopback:me', to: ['loopback:you'], text: 'under way' }) });
    await entered;
    let closedYet = false;
    const closed = app.api.close().then(() => (closedYet = true));
    // New connections are refused from the moment close() is called.
    await expect(fetch(`${url}/livez`)).rejects.toThrow();
    expect(closedYet).toBe(false);
    release();
    const res = await underWay;
    expect(res.status).toBe(202);
    expect(res.headers.get('connection')).toBe('close');
    const { messageId } = (await res.json()) as { messageId: string };
    await closed;
    expect(await app.kernel.store()!.getMessage(messageId)).toBeDefined();
  });

  it('answers a request that reaches a route while the API closes with a coded 503, not fastify\'s own body', async () => {
    const logger = createCaptureLogger();
    const settings = { enabled: true, host: '127.0.0.1', port: 0, console: false, trustProxy: [], failedAuth: { limit: 10, windowMs: 60_000 } };
    const server = await createServer({
      settings,
      auth: new BearerAuth(new TokenSet([]), new FailedAuthLimiter(10, 60_000), logger),
      logger,
      requests: new HttpRequestMetrics(new Registry()),
      maxBodyBytes: 1024,
      closing: () => true,
    });
    server.get('/v1/thing', async () => ({ ok: true }));
    server.get('/probe', { config: { public: true } }, async () => ({ ok: true }));
    const late = await server.inject({ method: 'GET', url: '/v1/thing' });
    expect(late.statusCode).toBe(503);
    expect(late.headers['retry-after']).toBe('5');
    expect(late.headers.connection).toBe('close');
    expect(late.json()).toEqual({ code: 'XPORT_KERNEL_STOPPED', message: 'the daemon is stopping and takes no new requests; send it again once it is back (or to another instance)' });
    // Probes answer on their own terms (/readyz says it is stopping).
    expect((await server.inject({ method: 'GET', url: '/probe' })).statusCode).toBe(200);
    await server.close();
  });

  it('is not ready while it stops', async () => {
    app = await createApiApp();
    const { checkReadiness } = await import('../src/index.js');
    expect(checkReadiness(app.kernel).status).toBe('ready');
    expect(checkReadiness(app.kernel, true)).toMatchObject({ status: 'not-ready', code: 'XPORT_KERNEL_STOPPED', message: 'the daemon is stopping' });
  });
});
