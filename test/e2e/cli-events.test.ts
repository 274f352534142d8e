import { afterEach, describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from '@xport/core';
import { createE2eApp, type E2eApp } from './test-app.js';
import { xport } from './cli-run.js';

// `xport events` and `xport message` on a SQLite store, beside a daemon (a kernel in
// this process) that delivers what `xport send` queued.
describe('xport events and xport message', () => {
  let app: E2eApp | undefined;
  let daemon: Kernel | undefined;
  afterEach(async () => {
    await daemon?.stop();
    await app?.cleanup();
  });

  it('follows a delivery as it happens, then shows the settled message with each recipient\'s timeline', async () => {
    app = await createE2eApp(['provider-loopback', 'store-sqlite'], { store: { provider: 'store-sqlite' }, transportOrder: ['loopback'], spooler: { pollMs: 50 } });
    daemon = createKernel({ root: app.root });
    await daemon.start();

    const following = xport(app, ['events', '--follow', '--json', '--after', '0', '--type', 'delivered', '--count', '1']);
    const sent = await xport(app, ['send', '--from', 'loopback:me', '--to', 'loopback:bob', 'fax:+331234', '--subject', 'hello', '--text', 'hi', '--json']);
    expect(sent.code).toBe(0);
    const { messageId } = JSON.parse(sent.out) as { messageId: string };

    const followed = await following;
    expect(followed.code).toBe(0);
    const lines = followed.out.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([expect.objectContaining({ type: 'delivered', messageId, recipient: 'loopback:bob', provider: 'loopback', attempts: 1 })]);

    await expect.poll(async () => JSON.parse((await xport(app!, ['message', messageId, '--json'])).out).finishedAt).toBeTypeOf('number');
    await daemon.stop();
    daemon = undefined;

    const json = JSON.parse((await xport(app, ['message', messageId, '--json'])).out);
    expect(json.recipients.map((r: { recipient: string; state: string }) => [r.recipient, r.state])).toEqual([
      ['loopback:bob', 'delivered'],
      ['fax:+331234', 'failed'],
    ]);
    expect(json.recipients.map((r: { timeline: Array<{ type: string }> }) => r.timeline.map((e) => e.type))).toEqual([['delivered'], ['failed']]);
    expect(json.events.map((e: { type: string }) => e.type)).toEqual(['submitted']);

    const shown = await xport(app, ['message', messageId]);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain(`message ${messageId}`);
    expect(shown.out).toMatch(/subject\s+hello/);
    expect(shown.out).toMatch(/#0 loopback:bob\s+│ delivered\s+│ 1\s+│/);
    expect(shown.out).toMatch(/#1 fax:\+331234\s+│ failed\s+│/);
    expect(shown.out).toMatch(/│ submitted\s+│/);

    const all = JSON.parse((await xport(app, ['events', '--json'])).out) as Array<{ id: number; type: string; messageId: string }>;
    expect(all.filter((e) => e.messageId === messageId).map((e) => e.type)).toEqual(['submitted', expect.any(String), expect.any(String)]);
    expect(all.filter((e) => e.messageId === messageId && e.type !== 'submitted').map((e) => e.type).sort()).toEqual(['delivered', 'failed']);
    expect(all.some((e) => e.type === 'received')).toBe(true);
    const ids = all.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const onlySubmitted = JSON.parse((await xport(app, ['events', '--json', '--message', messageId, '--type', 'submitted'])).out);
    expect(onlySubmitted).toHaveLength(1);
    const after = JSON.parse((await xport(app, ['events', '--json', '--after', String(ids.at(-2)), '--limit', '5'])).out);
    expect(after.map((e: { id: number }) => e.id)).toEqual([ids.at(-1)]);
    expect((await xport(app, ['events'])).out).toMatch(/│ delivered\s+│/);
  });

  it('says what is wrong with an unknown message or event type', async () => {
    app = await createE2eApp(['provider-loopback'], { transportOrder: ['loopback'] });
    const unknown = await xport(app, ['message', 'no-such-message']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toContain('XPORT_STORE_NOT_FOUND');
    expect(unknown.err).toContain('no-such-message');
    const badType = await xport(app, ['events', '--type', 'bounced-twice']);
    expect(badType.code).not.toBe(0);
    expect(badType.err).toContain('bounced-twice');
    expect((await xport(app, ['events'])).out).toBe('no events\n');
  });
});
