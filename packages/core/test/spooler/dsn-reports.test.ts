// The DSN parameters (RFC 3461) as the spooler honours them: NOTIFY per recipient, ORCPT, ENVID, RET,
// success, relayed and delay reports. A real memory store, a manual clock, real transports.
import { outcome, parseDeliveryStatus, type InboxEntry, type MessageStore } from '@xport/provider-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { toReportOptions } from '../../src/spooler/report-options.js';
import { createHarness, readAll, recordingTransport, T0 } from './harness.js';

type Harness = Awaited<ReturnType<typeof createHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.spooler.stop();
  h = undefined;
});

async function partsOf(store: MessageStore, entry: InboxEntry): Promise<Array<{ type: string; text: string }>> {
  return Promise.all(entry.parts.map(async (p) => ({ type: p.contentType, text: await readAll(store.openPart(p.partId)) })));
}

async function statusOf(store: MessageStore, entry: InboxEntry) {
  const parts = await partsOf(store, entry);
  return parseDeliveryStatus(parts.find((p) => p.type === 'message/delivery-status')!.text)!;
}

/** A transport for `loopback` addresses: `nobody` fails, `later` defers, `relay` and `onward` are handed on, the rest delivered. */
function answering() {
  return recordingTransport((recipients) =>
    recipients.map((r) => {
      if (r.recipient.address === 'nobody') return outcome.failed('5.1.1', '550 5.1.1 no such user');
      if (r.recipient.address === 'later') return outcome.deferred({ code: '4.2.1', diagnostic: '451 4.2.1 try later' });
      if (r.recipient.address === 'relay') return outcome.delivered('250 ok', 'relayed');
      if (r.recipient.address === 'onward') return outcome.delivered('250 ok', 'passed-on');
      return outcome.delivered('250 2.0.0 ok');
    }),
  );
}

async function harness(delayAfterMs = 60_000) {
  h = await createHarness({ reports: toReportOptions({ reportingMta: 'mx.example.org', delayAfterMs }), options: { retry: { minDelayMs: 10_000, maxDelayMs: 1_000_000 } } });
  h.addTransport('loopback', ['loopback'], answering());
  h.spooler.start();
  return h;
}

describe('DSN parameters (RFC 3461)', () => {
  it('writes a success report for the recipients that asked NOTIFY=SUCCESS, with their ORCPT and the ENVID', async () => {
    const h = await harness();
    const { messageId } = await h.spooler.submit({
      from: 'loopback:me',
      to: ['loopback:you', 'loopback:other'],
      subject: 'q3',
      text: 'x',
      dsn: { envelopeId: 'env-42', recipients: [{ recipient: 'loopback:you', notify: ['success'], originalRecipient: 'rfc822;you@example.org' }] },
    });
    await h.spooler.flush();
    const reports = await h.inbox('loopback:me');
    expect(reports.map((e) => [e.envelope.kind, e.envelope.reportFor, e.envelope.subject])).toEqual([['report.dr', messageId, 'Delivered: q3']]);
    const status = await statusOf(h.store, reports[0]!);
    expect(status.originalEnvelopeId).toBe('env-42');
    expect(status.recipients).toEqual([
      expect.objectContaining({
        finalRecipient: { type: 'x-loopback', value: 'you' },
        originalRecipient: { type: 'rfc822', value: 'you@example.org' },
        action: 'delivered',
        status: '2.0.0',
      }),
    ]);
  });

  it('writes no NDR for a recipient that asked NOTIFY=NEVER, or whose NOTIFY leaves out failures', async () => {
    const h = await harness();
    await h.spooler.submit({
      from: 'loopback:me',
      to: ['loopback:nobody'],
      text: 'x',
      dsn: { notify: 'never' },
    });
    await h.spooler.submit({ from: 'loopback:me', to: ['loopback:nobody'], text: 'x', dsn: { notify: ['success'] } });
    await h.spooler.flush();
    expect(await h.inbox('loopback:me')).toEqual([]);
    // Without NOTIFY, failures are reported as always.
    await h.spooler.submit({ from: 'loopback:me', to: ['loopback:nobody'], text: 'x', dsn: { envelopeId: 'e' } });
    await h.spooler.flush();
    expect((await h.inbox('loopback:me')).map((e) => e.envelope.kind)).toEqual(['report.ndr']);
  });

  it('says relayed for a next hop without DSN, and leaves success to a next hop that took the request', async () => {
    const h = await harness();
    await h.spooler.submit({ from: 'loopback:me', to: ['loopback:relay', 'loopback:onward'], text: 'x', dsn: { notify: ['success', 'failure'] } });
    await h.spooler.flush();
    const reports = await h.inbox('loopback:me');
    expect(reports).toHaveLength(1);
    expect((await statusOf(h.store, reports[0]!)).recipients.map((r) => [r.finalRecipient.value, r.action, r.status])).toEqual([['relay', 'relayed', '2.0.0']]);
  });

  it('returns the whole original with an NDR when RET=FULL, and the header otherwise', async () => {
    const h = await harness();
    await h.spooler.submit({ from: 'loopback:me', to: ['loopback:nobody'], subject: 'full', text: 'the body text', dsn: { ret: 'full' } });
    await h.spooler.flush();
    const [report] = await h.inbox('loopback:me');
    const returned = (await partsOf(h.store, report!)).at(-1)!;
    expect(returned.type).toBe('message/rfc822');
    expect(returned.text).toMatch(/^Date: .*\r\nSubject: full\r\n/s);
    expect(returned.text).toContain(Buffer.from('the body text').toString('base64'));
  });

  it('writes one delay report, on the attempt that spans delayAfterMs, and aims the retry at the threshold', async () => {
    const h = await harness(60_000);
    const deferred: number[] = [];
    h.spooler.on('deferred', (e) => deferred.push(e.nextAttemptAt - T0));
    const { messageId } = await h.spooler.submit({ from: 'loopback:me', to: ['loopback:later', 'loopback:you'], text: 'x', dsn: { notify: ['delay', 'failure'], envelopeId: 'd1' } });
    await h.spooler.flush();
    // Backoff 10 s, 20 s, 40 s (jitter fixed at its middle): the third deferral, at 30 s, would go to 70 s; it is aimed at 60 s.
    for (let round = 0; round < 6; round++) {
      const next = (await h.store.getMessage(messageId))!.recipients[0]!.nextAttemptAt!;
      h.clock.advance(next - h.clock.now());
      await h.spooler.flush();
    }
    expect(deferred.slice(0, 4)).toEqual([10_000, 30_000, 60_000, 140_000]);
    const reports = await h.inbox('loopback:me');
    expect(reports.map((e) => [e.envelope.kind, e.envelope.subject])).toEqual([['report.delay', 'Delayed: (no subject)']]);
    const status = await statusOf(h.store, reports[0]!);
    expect(status.originalEnvelopeId).toBe('d1');
    expect(status.recipients).toEqual([
      expect.objectContaining({ finalRecipient: { type: 'x-loopback', value: 'later' }, action: 'delayed', status: '4.2.1', willRetryUntil: T0 + h.host.options.retry.lifetimeMs }),
    ]);
  });

  it('writes no delay report for a recipient that did not ask for one', async () => {
    const h = await harness(60_000);
    const { messageId } = await h.spooler.submit({ from: 'loopback:me', to: ['loopback:later'], text: 'x', dsn: { notify: ['failure'] } });
    await h.spooler.flush();
    for (let round = 0; round < 4; round++) {
      const next = (await h.store.getMessage(messageId))!.recipients[0]!.nextAttemptAt!;
      h.clock.advance(next - h.clock.now());
      await h.spooler.flush();
    }
    expect(await h.inbox('loopback:me')).toEqual([]);
  });

  it('keeps the DSN parameters in the envelope and refuses malformed ones, naming the field', async () => {
    const h = await harness();
    const { messageId } = await h.spooler.submit({
      from: 'loopback:me',
      to: ['loopback:you'],
      text: 'x',
      dsn: { ret: 'hdrs', notify: ['delay', 'failure'], recipients: [{ recipient: { type: 'loopback', address: 'you' }, notify: 'never', originalRecipient: 'RFC822; you@example.org' }] },
    });
    expect((await h.store.getMessage(messageId))!.envelope.dsn).toEqual({
      ret: 'hdrs',
      notify: ['delay', 'failure'],
      recipients: [{ recipient: { type: 'loopback', address: 'you' }, notify: 'never', originalRecipient: { type: 'rfc822', value: 'you@example.org' } }],
    });
    const bad: Array<[unknown, RegExp]> = [
      [{ notify: ['never', 'success'] }, /dsn\.notify: NEVER cannot be combined/],
      [{ notify: ['succes'] }, /dsn\.notify: unknown NOTIFY keyword "succes"/],
      [{ notify: ['delay', 'delay'] }, /dsn\.notify: a NOTIFY keyword is given twice/],
      [{ notify: [] }, /dsn\.notify: NOTIFY needs NEVER/],
      [{ ret: 'body' }, /dsn\.ret: must be "full" or "hdrs"/],
      [{ envelopeId: 'x'.repeat(101) }, /dsn\.envelopeId: ENVID must be 1 to 100 characters/],
      [{ envelopeId: 'caf\u00e9' }, /dsn\.envelopeId: ENVID must be printable US-ASCII/],
      [{ recipients: [{ recipient: 'loopback:you', originalRecipient: 'you@example.org' }] }, /dsn\.recipients\[0\]\.originalRecipient: ORCPT must be addr-type;address/],
      [{ recipients: [{ recipient: 'nonsense' }] }, /dsn\.recipients\[0\]\.recipient/],
      ['never', /dsn: must be an object/],
    ];
    for (const [dsn, message] of bad) {
      await expect(h.spooler.submit({ from: 'loopback:me', to: ['loopback:you'], text: 'x', dsn } as never)).rejects.toThrow(message);
    }
  });

  it('writes a success report to the return path when a received message is stored for a recipient that asked NOTIFY=SUCCESS', async () => {
    const h = await harness();
    const returnPath = { type: 'loopback', address: 'sender' };
    const dsn = { envelopeId: 'in-1', recipients: [{ recipient: 'loopback:desk', notify: ['success' as const], originalRecipient: 'rfc822;desk@example.org' }, { recipient: 'loopback:other', notify: ['failure' as const] }] };
    const receipt = await h.spooler.inbound.deliver({ recipients: [{ type: 'loopback', address: 'desk' }, { type: 'loopback', address: 'other' }], subject: 'in', text: 'x', dsn, returnPath, receivedBy: 'loopback', idempotencyKey: 'in-1' });
    // The transport hands it over again (a lost acknowledgement): still one report.
    await h.spooler.inbound.deliver({ recipients: [{ type: 'loopback', address: 'desk' }, { type: 'loopback', address: 'other' }], subject: 'in', text: 'x', dsn, returnPath, receivedBy: 'loopback', idempotencyKey: 'in-1' });
    const reports = await h.inbox('loopback:sender');
    expect(reports.map((e) => [e.envelope.kind, e.envelope.reportFor, e.envelope.subject])).toEqual([['report.dr', receipt.entries[0]!.id, 'Delivered: in']]);
    const status = await statusOf(h.store, reports[0]!);
    expect(status.originalEnvelopeId).toBe('in-1');
    expect(status.recipients).toEqual([
      expect.objectContaining({ originalRecipient: { type: 'rfc822', value: 'desk@example.org' }, finalRecipient: { type: 'x-loopback', value: 'desk' }, action: 'delivered', status: '2.0.0' }),
    ]);
    // No return path (the null sender), or nobody asked: no report.
    await h.spooler.inbound.deliver({ recipients: [{ type: 'loopback', address: 'desk' }], text: 'y', dsn });
    await h.spooler.inbound.deliver({ recipients: [{ type: 'loopback', address: 'desk' }], text: 'z', returnPath, dsn: { recipients: [{ recipient: 'loopback:desk', notify: 'never' }] } });
    expect(await h.inbox('loopback:sender')).toHaveLength(1);
  });
});
