import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFixture, newSecret, until, webhookSettings } from './support/dispatcher-fixture.js';
import { deliveryStory } from './support/memory-event-log.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(answer?: ConstructorParameters<typeof WebhookReceiver>[0]) {
  const f = await createFixture();
  const r = await new WebhookReceiver(answer).listen();
  cleanups.push(() => f.close(), () => r.close());
  return { f, r, endpoint: { settings: webhookSettings('orders', r.url), secret: newSecret() } };
}

describe('the durable cursor', () => {
  it('lets a restarted dispatcher resume where the last one stopped: nothing skipped, the event cut off at the stop sent again', async () => {
    const ACKED = 5;
    const { f, r, endpoint } = await setUp((n) => (n < ACKED ? 204 : 'hang'));
    const first = await f.start([endpoint]);
    const before = deliveryStory(f.log, 4);
    await r.waitFor(() => r.requests.length > ACKED); // the sixth is in flight, unanswered
    await first.stop();
    expect(JSON.parse(await readFile(join(f.dir, 'webhooks', 'orders.json'), 'utf8'))).toEqual({ after: before[ACKED - 1]!.id });

    const after = deliveryStory(f.log, 2); // written while no dispatcher ran
    r.answer = () => 204;
    const second = await f.start([endpoint]);
    await until(second, ([s]) => s!.cursor === after.at(-1)!.id);

    const all = [...before, ...after].map((e) => e.id);
    expect(r.acknowledgedIds()).toEqual(all);
    // The event in flight at the stop was sent twice (at least once); no other was.
    const sent = r.requests.map((request) => request.headers['webhook-id']);
    expect(sent.filter((id) => id === `evt_${before[ACKED]!.id}`)).toHaveLength(2);
    expect(sent.length - new Set(sent).size).toBe(1);
  });

  it('starts a new endpoint at the end of the log: it gets the events written from then on', async () => {
    const { f, r, endpoint } = await setUp();
    const old = deliveryStory(f.log, 2);
    const dispatcher = await f.start([endpoint]);
    expect(dispatcher.status()[0]).toMatchObject({ cursor: old.at(-1)!.id, lagEvents: 0 });
    const fresh = f.log.append({ type: 'submitted', messageId: 'm-new' });
    await until(dispatcher, ([s]) => s!.cursor === fresh[0]!.id);
    expect(r.acknowledgedIds()).toEqual([fresh[0]!.id]);
  });

  it('sends every kept event again when its cursor file cannot be read, rather than skip any', async () => {
    const { f, r, endpoint } = await setUp();
    const events = deliveryStory(f.log, 2);
    await mkdir(join(f.dir, 'webhooks'), { recursive: true });
    await writeFile(join(f.dir, 'webhooks', 'orders.json'), '{"after": tru');
    const dispatcher = await f.start([endpoint]);
    await until(dispatcher, ([s]) => s!.cursor === events.at(-1)!.id);
    expect(r.acknowledgedIds()).toEqual(events.map((e) => e.id));
    expect(f.logs.lines.find((l) => l.level === 'warn')?.message).toContain('its cursor cannot be read');
  });
});
