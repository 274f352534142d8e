import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookMetricsRow } from '../src/index.js';
import { createApiApp, type ApiApp } from './support/api-app.js';

let app: ApiApp | undefined;
afterEach(async () => {
  await app?.cleanup();
  app = undefined;
});

/** The samples of a Prometheus text exposition: `name{labels}` → value. */
async function scrape(): Promise<Map<string, number>> {
  const res = await app!.request({ method: 'GET', url: '/metrics' });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  const samples = new Map<string, number>();
  for (const line of res.body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

describe('GET /livez and GET /readyz', () => {
  it('is alive at once; ready once the store is open and a transport is online, saying why not before', async () => {
    app = await createApiApp({ start: false });
    expect((await app.request({ method: 'GET', url: '/livez' })).json()).toEqual({ status: 'alive' });
    const starting = await app.request({ method: 'GET', url: '/readyz' });
    expect(starting.status).toBe(503);
    expect(starting.json()).toEqual({
      status: 'not-ready',
      store: 'closed',
      transports: { online: [], notOnline: [] },
      code: 'XPORT_STORE_UNAVAILABLE',
      message: 'the message store is not open (the daemon is starting or stopping, or the store failed)',
    });
    await app.kernel.start();
    const ready = await app.request({ method: 'GET', url: '/readyz' });
    expect(ready.status).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', store: 'open', transports: { online: ['loopback'], notOnline: [] } });
    await app.kernel.stop();
    expect((await app.request({ method: 'GET', url: '/readyz' })).status).toBe(503);
  });

  it('is not ready while no transport is online, naming each and its state', async () => {
    app = await createApiApp({ fixtures: ['sided-transport'], config: { transportOrder: ['loopback', 'sided'], providers: { loopback: { config: { offline: true } }, sided: { config: { offline: true } } } } });
    const res = await app.request({ method: 'GET', url: '/readyz' });
    expect(res.status).toBe(503);
    expect(res.json()).toMatchObject({
      status: 'not-ready',
      store: 'open',
      transports: { online: [], notOnline: [{ id: 'loopback', state: 'offline' }, { id: 'sided', state: 'offline' }] },
      code: 'XPORT_PROVIDER_UNAVAILABLE',
      message: 'no transport is online (loopback: offline, sided: offline)',
    });
  });
});

describe('GET /metrics', () => {
  it('counts submits and outcomes by provider, times sends, and reads queue depth, age and provider states at each scrape', async () => {
    let now = Date.UTC(2026, 0, 1);
    app = await createApiApp({
      clock: { now: () => now },
      fixtures: ['sided-transport'],
      config: { transportOrder: ['loopback', 'sided'], providers: { loopback: { config: { deferEvery: 1, failAddresses: ['bad'] } } } },
    });
    const settled = Promise.all([
      app.next('deferred', (e) => e.recipient.address === 'you'),
      app.next('failed', (e) => e.recipient.address === 'bad'),
      app.next('failed', (e) => e.recipient.type === 'fax'),
      app.next('delivered', (e) => e.recipient.type === 'sided'),
    ]);
    const message = { from: 'loopback:me', to: ['loopback:you', 'loopback:bad', 'sided:x', 'fax:+3312'], text: 'hi' };
    for (let i = 0; i < 2; i++) expect((await app.request({ method: 'POST', url: '/v1/messages', headers: { 'idempotency-key': 'once' }, payload: message })).status).toBe(202);
    await settled;
    now += 90_000;

    const m = await scrape();
    expect(m.get('xport_messages_submitted_total')).toBe(1);
    expect(m.get('xport_recipients_total{provider="loopback",outcome="deferred"}')).toBe(1);
    expect(m.get('xport_recipients_total{provider="loopback",outcome="failed"}')).toBe(1);
    expect(m.get('xport_recipients_total{provider="sided",outcome="delivered"}')).toBe(1);
    expect(m.get('xport_recipients_total{provider="",outcome="failed"}')).toBe(1);
    expect(m.get('xport_send_duration_seconds_count{provider="loopback"}')).toBe(1);
    expect(m.get('xport_send_duration_seconds_count{provider="sided"}')).toBe(1);
    expect(m.get('xport_send_duration_seconds_bucket{le="+Inf",provider="sided"}')).toBe(1);
    expect(m.get('xport_queue_recipients{provider="loopback",state="deferred"}')).toBe(1);
    expect(m.get('xport_queue_recipients{provider="loopback",state="queued"}')).toBe(0);
    expect(m.get('xport_queue_recipients{provider="sided",state="in-flight"}')).toBe(0);
    expect(m.get('xport_queue_oldest_age_seconds')).toBe(90);
    expect(m.get('xport_provider_up{provider="loopback",kind="transport"}')).toBe(1);
    expect(m.get('xport_provider_state{provider="loopback",state="online"}')).toBe(1);
    expect(m.get('xport_provider_state{provider="loopback",state="offline"}')).toBe(0);
    expect(m.get('xport_provider_side_state{provider="sided",side="relay",state="down"}')).toBe(1);
    expect(m.get('xport_provider_side_state{provider="sided",side="listener",state="up"}')).toBe(1);
    expect(m.get('xport_provider_side_state{provider="sided",side="listener",state="down"}')).toBe(0);
    expect(m.get('xport_http_requests_total{method="POST",route="/v1/messages",status="202"}')).toBe(2);
  });

  it('counts received messages by the provider that received them', async () => {
    app = await createApiApp();
    const received = app.next('received');
    await app.kernel.spooler().inbound.deliver({ recipients: [{ type: 'loopback', address: 'you' }], text: 'in', receivedBy: 'loopback' });
    await received;
    expect((await scrape()).get('xport_messages_received_total{provider="loopback"}')).toBe(1);
  });

  it("reads the webhook endpoints' counts, lag and state from the dispatcher's status at each scrape", async () => {
    const rows: Array<WebhookMetricsRow & { url: string }> = [{ id: 'orders', url: 'https://hooks.example.org/x', state: 'ok', lagEvents: 0, delivered: 3, failedAttempts: 0, dropped: 0 }];
    app = await createApiApp({ webhookStatus: () => rows });
    let samples = await scrape();
    expect(samples.get('xport_webhook_deliveries_total{endpoint="orders",outcome="delivered"}')).toBe(3);
    expect(samples.get('xport_webhook_state{endpoint="orders",state="ok"}')).toBe(1);
    rows[0] = { ...rows[0]!, state: 'failing', lagEvents: 12, delivered: 5, failedAttempts: 4, dropped: 1 };
    samples = await scrape();
    expect(samples.get('xport_webhook_deliveries_total{endpoint="orders",outcome="delivered"}')).toBe(5);
    expect(samples.get('xport_webhook_deliveries_total{endpoint="orders",outcome="dropped"}')).toBe(1);
    expect(samples.get('xport_webhook_failures_total{endpoint="orders"}')).toBe(4);
    expect(samples.get('xport_webhook_lag_events{endpoint="orders"}')).toBe(12);
    expect(samples.get('xport_webhook_state{endpoint="orders",state="failing"}')).toBe(1);
    expect(samples.get('xport_webhook_state{endpoint="orders",state="ok"}')).toBe(0);
  });

  it('names every metric by the Prometheus conventions: xport_ prefix, base units, _total counters', async () => {
    app = await createApiApp({ webhookStatus: () => [] });
    await scrape();
    const metrics = await app.api.metrics.registry.getMetricsAsJSON();
    expect(metrics.map((metric) => metric.name).sort()).toEqual([
      'xport_http_requests_total',
      'xport_messages_received_total',
      'xport_messages_submitted_total',
      'xport_provider_side_state',
      'xport_provider_state',
      'xport_provider_up',
      'xport_queue_oldest_age_seconds',
      'xport_queue_recipients',
      'xport_recipients_total',
      'xport_send_duration_seconds',
      'xport_webhook_deliveries_total',
      'xport_webhook_failures_total',
      'xport_webhook_lag_events',
      'xport_webhook_state',
    ]);
    for (const metric of metrics) {
      if (String(metric.type) === 'counter') expect(metric.name).toMatch(/_total$/);
      else expect(metric.name).not.toMatch(/_total$/);
    }
  });
});
