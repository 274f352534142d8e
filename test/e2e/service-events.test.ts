import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KNOWN_SECRETS as K } from '../support/known-secrets.js';
import { apiUrlOf, createApiClient, spawnDaemon, type RunningDaemon } from './http-daemon.js';
import { PACKAGES, createE2eApp, type E2eApp } from './test-app.js';

// The service face end to end: a message submitted over HTTP is followed through
// GET /v1/messages/{id} to delivered, and the same events arrive over Server-Sent Events (resumed
// with Last-Event-ID) and at a webhook receiver, signed as Standard Webhooks describes.

interface Delivery {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

interface SseFrame {
  readonly id: number;
  readonly type: string;
  readonly data: { readonly messageId: string; readonly type: string; readonly recipientIndex?: number };
}

let app: E2eApp | undefined;
let daemon: RunningDaemon | undefined;
let receiver: Server | undefined;
afterEach(async () => {
  if (daemon && daemon.child.exitCode === null) {
    daemon.child.kill('SIGTERM');
    await daemon.exited;
  }
  daemon = undefined;
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  receiver = undefined;
  await app?.cleanup();
  app = undefined;
});

/** A webhook receiver on a free port: every request it gets, answered 204. */
async function startReceiver(): Promise<{ url: string; deliveries: Delivery[] }> {
  const deliveries: Delivery[] = [];
  receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      deliveries.push({ headers: req.headers, body });
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, deliveries };
}

/** Reads SSE frames from a streaming response until `done` says it has enough, then cancels it. */
async function readFrames(response: Response, done: (frames: readonly SseFrame[]) => boolean): Promise<SseFrame[]> {
  const frames: SseFrame[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  try {
    while (!done(frames)) {
      const { value, done: ended } = await reader.read();
      if (ended) throw new Error(`the event stream ended after ${frames.length} frames`);
      buffered += value;
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const field = (name: string): string | undefined => block.split('\n').find((l) => l.startsWith(`${name}:`))?.slice(name.length + 1).trim();
        const data = field('data');
        if (data === undefined) continue; // a heartbeat comment
        frames.push({ id: Number(field('id')), type: field('event')!, data: JSON.parse(data) as SseFrame['data'] });
      }
    }
  } finally {
    await reader.cancel();
  }
  return frames;
}

describe('xport as a service: one message followed over HTTP, SSE and a signed webhook', () => {
  it('submits over HTTP, reads the timeline to delivered, and sees the same events over SSE (resumed) and a verified webhook', { timeout: 120_000 }, async () => {
    const { url: hookUrl, deliveries } = await startReceiver();
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    app = await createE2eApp(['provider-loopback', 'store-sqlite'], {
      store: { provider: 'store-sqlite' },
      transportOrder: ['loopback'],
      http: { enabled: true, port: 0 },
      webhooks: [{ id: 'hook', url: hookUrl, secret: 'hookSecret' }],
    });
    daemon = spawnDaemon(app.root, { XPORT_HTTP__TOKEN: K.httpApiToken, XPORT_WEBHOOKS__HOOK_SECRET: secret });
    const base = await apiUrlOf(daemon);
    const api = await createApiClient(base);
    const token = K.httpApiToken;

    const submitted = await api('/v1/messages', {
      method: 'POST',
      token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: 'loopback:me', to: ['loopback:you'], subject: 'followed', text: 'hello' }),
    });
    expect(submitted.status).toBe(202);
    const { messageId } = submitted.json<{ messageId: string }>();

    // The message's own timeline, through GET /v1/messages/{id}, to delivered.
    type Timeline = { events: Array<{ type: string }>; recipients: Array<{ state: string; timeline: Array<{ type: string; attempts?: number }> }> };
    await expect.poll(async () => (await api(`/v1/messages/${messageId}`, { token })).json<Timeline>().recipients[0]!.state, { timeout: 60_000 }).toBe('delivered');
    const read = (await api(`/v1/messages/${messageId}`, { token })).json<Timeline>();
    expect(read.events.map((e) => e.type)).toEqual(['submitted']);
    expect(read.recipients[0]!.timeline.map((e) => [e.type, e.attempts])).toEqual([['delivered', 1]]);

    // The same events over SSE, from the start of the log; then resumed after the first one.
    const stream = (lastEventId?: number): Promise<Response> =>
      fetch(`${base}/v1/events?after=0&message=${messageId}`, {
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...(lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) }) },
      });
    const first = await stream();
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = await readFrames(first, (f) => f.some((x) => x.type === 'delivered'));
    expect(frames.map((f) => [f.type, f.data.messageId])).toEqual([
      ['submitted', messageId],
      ['delivered', messageId],
    ]);
    expect(frames.every((f) => f.id === (f.data as { id?: number }).id)).toBe(true);
    const resumed = await readFrames(await stream(frames[0]!.id), (f) => f.length >= 1);
    expect(resumed.map((f) => [f.id, f.type])).toEqual([[frames[1]!.id, 'delivered']]);

    // The same events at the webhook receiver, each signed; verified with the package's verifier.
    const { verifyWebhook } = (await import(pathToFileURL(join(PACKAGES, 'webhooks', 'dist', 'index.js')).href)) as {
      verifyWebhook: (secret: string, headers: IncomingHttpHeaders, body: string) => boolean;
    };
    const forMessage = (): Array<{ type: string; data: { messageId: string } }> =>
      deliveries.map((d) => JSON.parse(d.body) as { type: string; data: { messageId: string } }).filter((p) => p.data.messageId === messageId);
    await vi.waitFor(() => expect(forMessage().map((p) => p.type)).toContain('message.delivered'), { timeout: 60_000, interval: 50 });
    expect(forMessage().map((p) => p.type)).toEqual(['message.submitted', 'message.delivered']);
    for (const d of deliveries) {
      expect(d.headers['webhook-id']).toMatch(/^evt_\d+$/);
      expect(verifyWebhook(secret, d.headers, d.body), `signature of ${d.body}`).toBe(true);
      expect(verifyWebhook(`whsec_${randomBytes(32).toString('base64')}`, d.headers, d.body)).toBe(false);
    }
    expect(daemon.output()).not.toContain(secret.slice(6));
  });
});
