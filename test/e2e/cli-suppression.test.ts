import { afterEach, describe, expect, it } from 'vitest';
import { createE2eApp, type E2eApp } from './test-app.js';
import { xport } from './cli-run.js';

describe('xport suppression on the embedded default store', () => {
  let app: E2eApp | undefined;
  afterEach(async () => app?.cleanup());

  it('adds, lists and removes addresses; send fails a suppressed recipient at once and queues the others', async () => {
    app = await createE2eApp(['provider-loopback'], { transportOrder: ['loopback'] });
    expect((await xport(app, ['suppression', 'list'])).out).toBe('suppression list is empty\n');

    const added = await xport(app, ['suppression', 'add', 'loopback:bob', '--reason', 'asked to stop']);
    expect(added).toMatchObject({ code: 0, out: 'suppressed loopback:bob\n' });
    const listed = await xport(app, ['suppression', 'list', '--json']);
    expect(JSON.parse(listed.out)).toEqual([
      expect.objectContaining({ address: 'loopback:bob', manual: true, reason: 'asked to stop', hardBounces: 0, suppressed: true, expiresAt: null }),
    ]);
    expect((await xport(app, ['suppression', 'list'])).out).toMatch(/loopback:bob\s+│ added by hand\s+│ 0\s+│.*asked to stop/);

    const sent = await xport(app, ['send', '--from', 'loopback:me', '--to', 'loopback:bob', 'loopback:carol', '--text', 'hi', '--json']);
    expect(sent.code).toBe(0);
    const receipt = JSON.parse(sent.out);
    expect(receipt.recipients.map((r: { provider: string | null; state: string }) => [r.provider, r.state])).toEqual([
      [null, 'failed'],
      ['loopback', 'queued'],
    ]);
    const queue = JSON.parse((await xport(app, ['queue', '--json'])).out);
    expect(queue[0].recipients.map((r: { state: string; lastError?: { code: string } }) => [r.state, r.lastError?.code])).toEqual([
      ['failed', '5.7.1'],
      ['queued', undefined],
    ]);
    const [ndr] = JSON.parse((await xport(app, ['inbox', 'loopback:me', '--json'])).out);
    expect(ndr.envelope).toMatchObject({ kind: 'report.ndr', reportFor: receipt.messageId });
    expect(ndr.text).toContain('XPORT_RECIPIENT_SUPPRESSED: loopback:bob is suppressed (added by hand: asked to stop)');

    expect(await xport(app, ['suppression', 'remove', 'loopback:bob'])).toMatchObject({ code: 0, out: 'removed loopback:bob\n' });
    expect((await xport(app, ['suppression', 'remove', 'loopback:bob'])).out).toBe('loopback:bob was not on the suppression list\n');
    const again = JSON.parse((await xport(app, ['send', '--from', 'loopback:me', '--to', 'loopback:bob', '--text', 'hi', '--json'])).out);
    expect(again.recipients[0]).toMatchObject({ provider: 'loopback', state: 'queued' });
  });

  it('refuses an address that does not parse', async () => {
    app = await createE2eApp(['provider-loopback'], { transportOrder: ['loopback'] });
    const refused = await xport(app, ['suppression', 'add', 'not an address']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('XPORT_ADDRESS_INVALID');
  });
});
