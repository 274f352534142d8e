import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createFixture, newSecret, retryUntil, until, webhookSettings } from './support/dispatcher-fixture.js';
import { deliveryStory } from './support/memory-event-log.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function receiver(answer?: ConstructorParameters<typeof WebhookReceiver>[0]): Promise<WebhookReceiver> {
  const r = await new WebhookReceiver(answer).listen();
  cleanups.push(() => r.close());
  return r;
}

async function fixture() {
  const f = await createFixture();
  cleanups.push(() => f.close());
  return f;
}

describe('webhook delivery', () => {
  it('sends every event once, signed, in log order, so each message\'s events arrive in order', async () => {
    const f = await fixture();
    const r = await receiver();
    const secret = newSecret();
    const dispatcher = await f.start([{ settings: webhookSettings('orders', r.url), secret }], { pageSize: 4 });
    const events = deliveryStory(f.log, 5);
    await until(dispatcher, ([s]) => s!.cursor === events.at(-1)!.id);

    expect(r.acknowledgedIds()).toEqual(events.map((e) => e.id));
    for (const messageId of ['m1', 'm3', 'm5']) {
      expect(r.acknowledged().filter((p) => p.data.messageId === messageId).map((p) => p.type)).toEqual(['message.submitted', 'message.deferred', 'message.delivered']);
    }
    // Each request verifies with the specification's own library, under the endpoint's secret.
    for (const request of r.requests) expect(() => new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).not.toThrow();
    expect(r.requests[0]!.headers['webhook-id']).toBe(`evt_${events[0]!.id}`);
    // Read a page at a time, never the whole log.
    expect(Math.max(...f.log.reads.map((read) => read.limit))).toBe(4);
    expect(dispatcher.status()).toEqual([expect.objectContaining({ id: 'orders', state: 'ok', cursor: events.at(-1)!.id, lagEvents: 0, delivered: events.length, failedAttempts: 0, dropped: 0 })]);
  });

  it('sends only the configured event types, and its cursor still passes the others', async () => {
    const f = await fixture();
    const r = await receiver();
    const dispatcher = await f.start([{ settings: webhookSettings('failures', r.url, { events: ['delivered', 'failed'] }), secret: newSecret() }]);
    const events = deliveryStory(f.log, 3);
    await until(dispatcher, ([s]) => s!.cursor === events.at(-1)!.id);
    expect(r.acknowledged().map((p) => p.type)).toEqual(['message.delivered', 'message.delivered', 'message.delivered']);
  });

  it('sends an event again after 500 answers until a 2xx, then goes on in order: each event acknowledged once, the repeats counted', async () => {
    const FAILURES = 4;
    const f = await fixture();
    const r = await receiver((n) => (n < FAILURES ? 500 : 200));
    const dispatcher = await f.start([{ settings: webhookSettings('flaky', r.url), secret: newSecret() }]);
    const events = deliveryStory(f.log, 2);
    const states: string[] = [];
    for (let i = 0; i < FAILURES; i += 1) {
      await f.timer.nextWait();
      states.push(dispatcher.status()[0]!.state);
      f.timer.fire();
    }
    await until(dispatcher, ([s]) => s!.cursor === events.at(-1)!.id);

    expect(r.acknowledgedIds()).toEqual(events.map((e) => e.id));
    const sent = r.requests.map((request) => request.headers['webhook-id']);
    expect(sent.length - new Set(sent).size).toBe(FAILURES); // the first event, sent FAILURES times more
    expect(states).toEqual(['retrying', 'retrying', 'failing', 'failing']);
    // Backoff: doubling from minDelayMs, jitter at the middle of the upper half (random() = 0.5).
    expect(f.timer.delays).toEqual([750, 1500, 3000, 6000]);
    const status = dispatcher.status()[0]!;
    expect(status).toMatchObject({ state: 'ok', delivered: events.length, failedAttempts: FAILURES, dropped: 0 });
    expect(status.lastError).toMatchObject({ code: 'XPORT_WEBHOOK_DELIVERY_FAILED', message: `POST ${r.url} answered 500` });
    expect(f.logs.lines.filter((l) => l.level === 'warn' && l.message.includes('attempt'))).toHaveLength(FAILURES);
  });

  it('cuts a receiver that never answers at timeoutMs and retries it, while another endpoint receives everything', async () => {
    const f = await fixture();
    const hung = await receiver((n) => (n < 2 ? 'hang' : 204));
    const healthy = await receiver();
    const dispatcher = await f.start([
      { settings: webhookSettings('hung', hung.url, { timeoutMs: 300 }), secret: newSecret() },
      { settings: webhookSettings('healthy', healthy.url), secret: newSecret() },
    ]);
    const events = deliveryStory(f.log, 4);
    await healthy.waitFor(() => healthy.acknowledged().length >= events.length);
    expect(healthy.acknowledgedIds()).toEqual(events.map((e) => e.id));

    await f.timer.nextWait();
    expect(dispatcher.status()[0]!.lastError?.message).toBe(`POST ${hung.url} got no answer within 300 ms`);
    await retryUntil(dispatcher, f.timer, ([s]) => s!.cursor === events.at(-1)!.id);
    expect(hung.acknowledgedIds()).toEqual(events.map((e) => e.id));
    expect(dispatcher.status().map((s) => [s.id, s.state])).toEqual([
      ['hung', 'ok'],
      ['healthy', 'ok'],
    ]);
    expect(dispatcher.status()[0]!.failedAttempts).toBeGreaterThanOrEqual(2);
    expect(dispatcher.status()[1]!.failedAttempts).toBe(0);
  });

  it('drops an event after its last attempt, logs it as an error and counts it, and goes on with the next', async () => {
    const f = await fixture();
    const r = await receiver((_n, { body }) => ((JSON.parse(body) as { data: { id: number } }).data.id === 1 ? 500 : 204));
    const dispatcher = await f.start([{ settings: webhookSettings('strict', r.url, { retry: { minDelayMs: 10, maxDelayMs: 20, maxAttempts: 3 } }), secret: newSecret() }]);
    const events = deliveryStory(f.log, 1);
    for (let i = 0; i < 2; i += 1) {
      await f.timer.nextWait();
      f.timer.fire();
    }
    await until(dispatcher, ([s]) => s!.cursor === events.at(-1)!.id);
    expect(r.acknowledgedIds()).toEqual(events.slice(1).map((e) => e.id));
    expect(dispatcher.status()[0]).toMatchObject({ dropped: 1, failedAttempts: 3, delivered: events.length - 1 });
    expect(f.logs.lines.find((l) => l.level === 'error')?.message).toContain('dropped event evt_1 (submitted of message m1) after 3 attempts');
  });

  it('stops sending to an endpoint that answers 410 Gone, keeping its cursor before the event', async () => {
    const f = await fixture();
    const r = await receiver(() => 410);
    const dispatcher = await f.start([{ settings: webhookSettings('gone', r.url), secret: newSecret() }]);
    deliveryStory(f.log, 2);
    await until(dispatcher, ([s]) => s!.state === 'disabled');
    f.log.append({ type: 'submitted', messageId: 'm9' });
    await until(dispatcher, ([s]) => s!.lagEvents === 7);
    expect(r.requests).toHaveLength(1);
    expect(dispatcher.status()[0]).toMatchObject({ cursor: 0, lagEvents: 7 });
    expect(f.logs.lines.find((l) => l.level === 'error')?.message).toContain('410 Gone');
  });

  it('shows an endpoint configured with enabled: false as disabled, and sends it nothing', async () => {
    const f = await fixture();
    const dispatcher = await f.start([], { disabled: [webhookSettings('paused', 'https://hooks.example.org/x?token=abc', { enabled: false })] });
    expect(dispatcher.status()).toEqual([expect.objectContaining({ id: 'paused', state: 'disabled', url: 'https://hooks.example.org/x' })]);
  });
});
