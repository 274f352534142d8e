import { outcome, type AssignedRecipient } from '@xport/provider-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { toReportOptions } from '../../src/spooler/report-options.js';
import { createHarness, recordingTransport } from './harness.js';

type Harness = Awaited<ReturnType<typeof createHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.spooler.stop();
  h = undefined;
});

const DAY_MS = 86_400_000;

/** Fails `bob` with this status (user unknown by default), delivers everyone else. */
function bouncingTransport(status = '5.1.1', diagnostic = '550 5.1.1 <bob>: user unknown') {
  return recordingTransport((recipients: readonly AssignedRecipient[]) =>
    recipients.map((r) => (r.recipient.address === 'bob' ? outcome.failed(status, diagnostic) : outcome.delivered())),
  );
}

async function setUp(suppression?: { enabled?: boolean; afterHardBounces?: number; ttlMs?: number }, status?: string) {
  h = await createHarness(
    suppression === undefined ? {} : { reports: toReportOptions({ suppression: { enabled: true, afterHardBounces: 1, ttlMs: 30 * DAY_MS, ...suppression } }) },
  );
  const transport = bouncingTransport(status);
  h.addTransport('x400-fixture', ['x400'], transport);
  h.spooler.start();
  return { h, transport };
}

describe('suppression list in the spooler', () => {
  it('a hard bounce suppresses the address: the next submit fails it at once (5.7.1, one NDR), the others are sent', async () => {
    const { h, transport } = await setUp();
    const first = await h.spooler.submit({ from: 'x400:me', to: ['x400:bob', 'x400:carol'], subject: 'one', text: 'hi' });
    await h.spooler.flush();
    expect((await h.store.suppression!.findSuppressions(['x400:bob']))[0]).toMatchObject({ hardBounces: 1, lastError: { code: '5.1.1' }, manual: false });
    expect(await h.store.suppression!.findSuppressions(['x400:carol'])).toEqual([]);

    const second = await h.spooler.submit({ from: 'x400:me', to: ['x400:carol', 'x400:bob'], subject: 'two', text: 'again' });
    expect(second.recipients.map((r) => [r.recipient.address, r.provider, r.state])).toEqual([
      ['carol', 'x400-fixture', 'queued'],
      ['bob', null, 'failed'],
    ]);
    await h.spooler.flush();
    expect(transport.calls.map((c) => [c.messageId, c.recipients])).toEqual([
      [first.messageId, ['bob', 'carol']],
      [second.messageId, ['carol']],
    ]);
    const stored = await h.store.getMessage(second.messageId);
    expect(stored?.recipients.map((r) => [r.state, r.lastError?.code])).toEqual([
      ['delivered', undefined],
      ['failed', '5.7.1'],
    ]);
    expect(stored?.recipients[1]?.lastError?.diagnostic).toMatch(/^XPORT_RECIPIENT_SUPPRESSED: x400:bob is suppressed \(1 hard bounce, last 550 5\.1\.1/);
    const ndrs = (await h.inbox('x400:me')).filter((e) => e.envelope.reportFor === second.messageId);
    expect(ndrs.map((e) => e.envelope.kind)).toEqual(['report.ndr']);
    const text = (await h.reportText('x400:me')).find((t) => t.includes(second.messageId))!;
    expect(text).toContain('5.7.1');
    expect(text).toContain('XPORT_RECIPIENT_SUPPRESSED');
    // The NDR's 5.7.1 is policy, not one more hard bounce.
    expect((await h.store.suppression!.findSuppressions(['x400:bob']))[0]?.hardBounces).toBe(1);
  });

  it('sends again once ttlMs has passed since the last hard bounce', async () => {
    const { h, transport } = await setUp({ ttlMs: DAY_MS });
    await h.spooler.submit({ from: 'x400:me', to: ['x400:bob'], text: 'hi' });
    await h.spooler.flush();
    h.clock.advance(DAY_MS - 1);
    expect((await h.spooler.submit({ from: 'x400:me', to: ['x400:bob'], text: 'still suppressed' })).recipients[0]?.state).toBe('failed');
    h.clock.advance(1);
    const later = await h.spooler.submit({ from: 'x400:me', to: ['x400:bob'], text: 'expired' });
    expect(later.recipients[0]).toMatchObject({ provider: 'x400-fixture', state: 'queued' });
    await h.spooler.flush();
    expect(transport.calls).toHaveLength(2);
  });

  it('waits for afterHardBounces bounces, counting only those within ttlMs of each other', async () => {
    const { h, transport } = await setUp({ afterHardBounces: 2, ttlMs: DAY_MS });
    await h.spooler.submit({ from: 'x400:me', to: ['x400:bob'], text: '1' });
    await h.spooler.flush();
    h.clock.advance(DAY_MS + 1);
    // The first bounce is too old to count: this one starts again at 1.
    expect((await h.spooler.submit({ from: 'x400:me', to: ['x400:bob'], text: '2' })).recipients[0]?.state).toBe('queued');
    await h.spooler.flush();
    expect((await h.store.suppression!.findSuppressions(['x400:bob']))[0]?.hardBounces).toBe(1);
    expect((await h.spooler.submit({ from: 'x400:me', to: ['x400:bob'], text: '3' })).recipients[0]?.state).toBe('queued');
    await h.spooler.flush();
    expect((await h.spooler.submit({ from: 'x400:me', to: ['x400:bob'], text: '4' })).recipients[0]?.state).toBe('failed');
    expect(transport.calls).toHaveLength(3);
  });

  it('suppresses an address added by hand, keyed like mailboxes', async () => {
    const { h, transport } = await setUp();
    await h.store.suppression!.suppress({ address: 'smtp:Ada@example.org', at: h.clock.now(), reason: 'asked to stop' });
    h.addTransport('smtp-fixture', ['smtp'], transport);
    const receipt = await h.spooler.submit({ from: 'x400:me', to: ['smtp:Ada@EXAMPLE.org', 'smtp:ada@example.org'], text: 'hi' });
    // The local part keeps its case: only Ada@ is the listed address.
    expect(receipt.recipients.map((r) => [r.recipient.address, r.state])).toEqual([
      ['Ada@EXAMPLE.org', 'failed'],
      ['ada@example.org', 'queued'],
    ]);
    const stored = await h.store.getMessage(receipt.messageId);
    expect(stored?.recipients[0]?.lastError?.diagnostic).toBe('XPORT_RECIPIENT_SUPPRESSED: smtp:Ada@example.org is suppressed (added by hand: asked to stop)');
  });

  it('counts neither policy refusals nor failures xport decides itself (no transport, every transport not-me)', async () => {
    const { h } = await setUp(undefined, '5.7.1');
    h.addTransport('refusing', ['fax'], recordingTransport((r) => r.map(() => outcome.notMe())));
    await h.spooler.submit({ from: 'x400:me', to: ['x400:bob', 'fax:1', 'telex:2'], text: 'hi' });
    await h.spooler.flush();
    expect(await h.store.suppression!.listSuppressed()).toEqual([]);
    expect((await h.store.listSent())[0]?.recipients.map((r) => [r.state, r.lastError?.code])).toEqual([
      ['failed', '5.7.1'],
      ['failed', '5.4.4'],
      ['failed', '5.1.2'],
    ]);
  });

  it('looks nothing up and counts nothing when disabled', async () => {
    const { h, transport } = await setUp({ enabled: false });
    await h.store.suppression!.suppress({ address: 'x400:carol', at: h.clock.now() });
    await h.spooler.submit({ from: 'x400:me', to: ['x400:bob', 'x400:carol'], text: 'hi' });
    await h.spooler.flush();
    expect((await h.store.suppression!.listSuppressed()).map((e) => e.address)).toEqual(['x400:carol']);
    expect(transport.calls[0]?.recipients).toEqual(['bob', 'carol']);
  });

  it('counts the hard failures an inbound DSN reports (its Final-Recipient), not its delays or policy refusals', async () => {
    const { h } = await setUp();
    const status = [
      'Reporting-MTA: dns; mx.remote.test',
      '',
      'Final-Recipient: rfc822; bob@Remote.TEST',
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 <bob@remote.test>: user unknown',
      '',
      'Final-Recipient: rfc822; carol@remote.test',
      'Action: delayed',
      'Status: 4.2.2',
      '',
      'Final-Recipient: rfc822; dave@remote.test',
      'Action: failed',
      'Status: 5.7.1',
      '',
    ].join('\r\n');
    await h.spooler.inbound.deliver({
      from: { type: 'smtp', address: 'MAILER-DAEMON@mx.remote.test' },
      recipients: [{ type: 'smtp', address: 'ada@example.org' }],
      subject: 'Undelivered Mail Returned to Sender',
      text: 'bounce',
      attachments: [{ filename: 'status', contentType: 'message/delivery-status', content: Buffer.from(status) }],
      receivedBy: 'smtp',
    });
    expect((await h.store.suppression!.listSuppressed()).map((e) => [e.address, e.hardBounces, e.lastError?.code])).toEqual([['smtp:bob@remote.test', 1, '5.1.1']]);
    h.addTransport('smtp-fixture', ['smtp'], recordingTransport());
    const receipt = await h.spooler.submit({ from: 'x400:me', to: ['smtp:bob@remote.test', 'smtp:dave@remote.test'], text: 'hi' });
    expect(receipt.recipients.map((r) => r.state)).toEqual(['failed', 'queued']);
  });
});
