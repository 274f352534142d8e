import { afterEach, describe, expect, it } from 'vitest';
import { createE2eApp, type E2eApp } from './test-app.js';
import { xport } from './cli-run.js';

interface Listed {
  readonly index: number;
  readonly state: string;
  readonly recipient: { readonly address: string };
  readonly expiresWhileHeld?: boolean;
}

describe('xport queue hold --expire on the embedded default store', () => {
  let app: E2eApp | undefined;
  afterEach(async () => app?.cleanup());

  it('holds to expire, shows it in the listings and the message, and refuses --expire anywhere but with hold', async () => {
    app = await createE2eApp(['provider-loopback'], { transportOrder: ['loopback'] });
    const sent = await xport(app, ['send', '--from', 'loopback:me', '--to', 'loopback:lapses@expire.example', 'loopback:waits@keep.example', '--text', 'x', '--json']);
    expect(sent.code).toBe(0);
    const { messageId } = JSON.parse(sent.out) as { messageId: string };

    // --expire belongs to hold: another verb, or a listing, is a coded error and changes nothing.
    for (const args of [['queue', 'release', '--expire', '--message', messageId], ['queue', 'delete', '--expire', '--all'], ['queue', '--expire', '--state', 'queued']]) {
      const refused = await xport(app, args);
      expect(refused.code).toBe(1);
      expect(refused.err).toContain('XPORT_QUEUE_OPERATION_INVALID');
    }
    expect((await xport(app, ['queue', '--expire'])).err).toContain('xport queue: --expire goes with hold');
    // A misspelt flag is refused by the parser, before anything runs.
    const misspelt = await xport(app, ['queue', 'hold', '--expires', '--message', messageId]);
    expect(misspelt.code).not.toBe(0);
    expect(misspelt.err).toContain("unknown option '--expires'");
    const queued = JSON.parse((await xport(app, ['queue', '--message', messageId, '--json'])).out) as Listed[];
    expect(queued.map((e) => e.state)).toEqual(['queued', 'queued']);

    expect(await xport(app, ['queue', 'hold', '--expire', '--domain', 'expire.example', '--dry-run'])).toMatchObject({
      code: 0,
      out: '1 recipient(s) would be held; they would still expire with their message; 0 skipped in flight\n',
    });
    expect(await xport(app, ['queue', 'hold', '--expire', '--domain', 'expire.example'])).toMatchObject({
      code: 0,
      out: '1 recipient(s) held in 1 message(s); they still expire with their message; 0 skipped in flight\n',
    });
    expect((await xport(app, ['queue', 'hold', '--domain', 'keep.example'])).out).toBe('1 recipient(s) held in 1 message(s); 0 skipped in flight\n');

    const held = JSON.parse((await xport(app, ['queue', '--state', 'held', '--json'])).out) as Listed[];
    expect(held.map((e) => [e.recipient.address, e.state, e.expiresWhileHeld ?? false])).toEqual([
      ['lapses@expire.example', 'held', true],
      ['waits@keep.example', 'held', false],
    ]);
    const table = (await xport(app, ['queue', '--state', 'held'])).out;
    expect(table).toMatch(/lapses@expire\.example\s+│ loopback\s+│ held \(expires\)/);
    expect(table).toMatch(/waits@keep\.example\s+│ loopback\s+│ held\s+│/);
    expect((await xport(app, ['queue'])).out).toMatch(/lapses@expire\.example\s+│ loopback\s+│ held \(expires\)/);
    const message = JSON.parse((await xport(app, ['message', messageId, '--json'])).out) as { recipients: Listed[] };
    expect(message.recipients.map((r) => r.expiresWhileHeld ?? false)).toEqual([true, false]);
    expect((await xport(app, ['message', messageId])).out).toMatch(/lapses@expire\.example\s+│ loopback\s+│ held \(expires\)/);

    // Release is release: queued again, and no longer marked to expire while held.
    expect((await xport(app, ['queue', 'release', '--message', messageId])).out).toBe('2 recipient(s) released in 1 message(s); 0 skipped in flight\n');
    const released = JSON.parse((await xport(app, ['queue', '--message', messageId, '--json'])).out) as Listed[];
    expect(released.map((e) => [e.state, e.expiresWhileHeld ?? false])).toEqual([
      ['queued', false],
      ['queued', false],
    ]);
  });
});
