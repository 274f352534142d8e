import { afterEach, describe, expect, it } from 'vitest';
import { createKernel } from '@xport/core';
import { KNOWN_SECRETS as K } from '../support/known-secrets.js';
import { xport } from './cli-run.js';
import { apiUrlOf, createApiClient, spawnDaemon, type RunningDaemon } from './http-daemon.js';
import { createE2eApp, type E2eApp } from './test-app.js';

let app: E2eApp | undefined;
let daemon: RunningDaemon | undefined;
afterEach(async () => {
  if (daemon && daemon.child.exitCode === null) {
    daemon.child.kill('SIGTERM');
    await daemon.exited;
  }
  daemon = undefined;
  await app?.cleanup();
  app = undefined;
});

const config = (loopback: Record<string, unknown> = {}) => ({
  store: { provider: 'store-sqlite' },
  transportOrder: ['loopback'],
  providers: { loopback: { config: loopback } },
  http: { enabled: true, port: 0 },
});

const MESSAGES = 10;
const HELD_PER_MESSAGE = 100;

/** Queues MESSAGES messages, each to HELD_PER_MESSAGE recipients at held.example and one at other.example, with no daemon running. */
async function queueMessages(root: string): Promise<string[]> {
  const kernel = createKernel({ root });
  await kernel.start({ spool: false });
  try {
    const ids: string[] = [];
    for (let m = 0; m < MESSAGES; m += 1) {
      const to = Array.from({ length: HELD_PER_MESSAGE }, (_, i) => `loopback:r${m}-${i}@Held.Example`);
      ids.push((await kernel.submit({ from: 'loopback:sender', to: [...to, `loopback:x${m}@other.example`], subject: `m${m}`, text: 'x' })).messageId);
    }
    return ids;
  } finally {
    await kernel.stop();
  }
}

interface QueuePage {
  readonly recipients: Array<{ messageId: string; state: string; recipient: { address: string } }>;
  readonly nextCursor: string | null;
}

describe('holding, releasing and deleting queued recipients on a running daemon (SQLite, loopback)', () => {
  it('holds 1,000 recipients of one domain with the CLI: none is sent while held; released over HTTP, every one is delivered', { timeout: 240_000 }, async () => {
    app = await createE2eApp(['provider-loopback', 'store-sqlite'], config());
    const ids = await queueMessages(app.root);
    const total = MESSAGES * HELD_PER_MESSAGE;

    const dry = JSON.parse((await xport(app, ['queue', 'hold', '--domain', 'held.example', '--dry-run', '--json'])).out);
    expect(dry).toMatchObject({ operation: 'hold', dryRun: true, changed: total, skippedInFlight: 0 });
    const unbounded = await xport(app, ['queue', 'hold']);
    expect(unbounded.code).not.toBe(0);
    expect(unbounded.err).toContain('XPORT_QUEUE_FILTER_UNBOUNDED');
    const held = await xport(app, ['queue', 'hold', '--domain', 'HELD.example']);
    expect(held).toMatchObject({ code: 0, out: `${total} recipient(s) held in ${MESSAGES} message(s); 0 skipped in flight\n` });
    const listed = JSON.parse((await xport(app, ['queue', '--state', 'held', '--limit', '5000', '--json'])).out) as unknown[];
    expect(listed).toHaveLength(total);

    daemon = spawnDaemon(app.root, { XPORT_HTTP__TOKEN: K.httpApiToken });
    const api = await createApiClient(await apiUrlOf(daemon));
    const token = K.httpApiToken;
    // The daemon handles these very messages: their other.example recipients are delivered...
    await expect
      .poll(async () => (await api('/v1/queue?domain=other.example', { token })).json<QueuePage>().recipients.length, { timeout: 60_000, interval: 100 })
      .toBe(0);
    // ... while every held one stays held, and nothing reached a held mailbox.
    const stillHeld = await api(`/v1/queue?state=held&limit=1000`, { token });
    expect(stillHeld.json<QueuePage>().recipients).toHaveLength(total);
    expect(stillHeld.json<QueuePage>().nextCursor).toBeNull();
    expect((await api('/v1/inbox/loopback:r0-0@Held.Example', { token })).json<{ entries: unknown[] }>().entries).toEqual([]);
    expect((await api('/v1/inbox/loopback:x0@other.example', { token })).json<{ entries: unknown[] }>().entries).toHaveLength(1);
    expect((await api('/metrics', { token })).text).toMatch(new RegExp(`^xport_queue_recipients\\{provider="loopback",state="held"\\} ${total}$`, 'm'));

    const dryRelease = await api('/v1/queue/release', { method: 'POST', token, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filter: { domains: ['held.example'] }, dryRun: true }) });
    expect(dryRelease.json()).toMatchObject({ changed: total, dryRun: true });
    const released = await api('/v1/queue/release', { method: 'POST', token, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids }) });
    expect(released.status).toBe(200);
    expect(released.json()).toMatchObject({ operation: 'release', changed: total, skippedInFlight: 0, messages: MESSAGES });
    await expect.poll(async () => (await api('/v1/queue?limit=1', { token })).json<QueuePage>().recipients.length, { timeout: 120_000, interval: 200 }).toBe(0);
    for (const id of ids) {
      const message = (await api(`/v1/messages/${id}`, { token })).json<{ recipients: Array<{ state: string }> }>();
      expect(message.recipients.every((r) => r.state === 'delivered')).toBe(true);
    }
    expect((await api('/v1/inbox/loopback:r9-99@Held.Example', { token })).json<{ entries: unknown[] }>().entries).toHaveLength(1);
  });

  it('an operation racing the daemon skips recipients in flight and loses none; delete writes one NDR per message', { timeout: 240_000 }, async () => {
    // Slow sends, so the daemon has recipients in flight while the operations run.
    app = await createE2eApp(['provider-loopback', 'store-sqlite'], config({ latencyMs: 300 }));
    const ids = await queueMessages(app.root);
    const total = MESSAGES * (HELD_PER_MESSAGE + 1);
    daemon = spawnDaemon(app.root, { XPORT_HTTP__TOKEN: K.httpApiToken });
    const api = await createApiClient(await apiUrlOf(daemon));
    const token = K.httpApiToken;
    const post = (operation: string, body: unknown) => api(`/v1/queue/${operation}`, { method: 'POST', token, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    // Hold everything not yet sent, while the daemon sends.
    const held = (await post('hold', { filter: { all: true } })).json<{ changed: number; skippedInFlight: number }>();
    const states = async (): Promise<Map<string, number>> => {
      const counts = new Map<string, number>();
      for (const id of ids) {
        for (const r of (await api(`/v1/messages/${id}`, { token })).json<{ recipients: Array<{ state: string }> }>().recipients) counts.set(r.state, (counts.get(r.state) ?? 0) + 1);
      }
      return counts;
    };
    // Whatever was in flight settles; nothing else moves: every recipient is delivered or held.
    await expect.poll(async () => (await states()).get('in-flight') ?? 0, { timeout: 60_000, interval: 100 }).toBe(0);
    const settled = await states();
    expect((settled.get('held') ?? 0) + (settled.get('delivered') ?? 0)).toBe(total);
    expect(settled.get('held')).toBe(held.changed);
    expect(held.changed + held.skippedInFlight).toBeLessThanOrEqual(total);

    // Delete two messages' held recipients with the CLI beside the daemon: one NDR each.
    const deleted = JSON.parse((await xport(app, ['queue', 'delete', '--message', ids[0]!, '--message', ids[1]!, '--json'])).out);
    expect(deleted).toMatchObject({ operation: 'delete', skippedInFlight: 0 });
    const reports = (await api('/v1/inbox/loopback:sender', { token })).json<{ entries: Array<{ envelope: { kind: string; reportFor?: string } }> }>().entries;
    const ndrs = reports.filter((e) => e.envelope.kind === 'report.ndr').map((e) => e.envelope.reportFor);
    // One per message that had recipients deleted, about that message only.
    expect(new Set(ndrs).size).toBe(ndrs.length);
    for (const about of ndrs) expect([ids[0], ids[1]]).toContain(about);
    expect(ndrs).toHaveLength(deleted.messages);
    expect(deleted.reports).toBe(deleted.messages);

    // The rest is released and delivered: nothing was lost.
    await post('release', { filter: { states: ['held'] } });
    await expect.poll(async () => (await api('/v1/queue?limit=1', { token })).json<QueuePage>().recipients.length, { timeout: 120_000, interval: 200 }).toBe(0);
    const end = await states();
    expect((end.get('delivered') ?? 0) + (end.get('aborted') ?? 0)).toBe(total);
    expect(end.get('aborted') ?? 0).toBe(deleted.changed);
  });
});
