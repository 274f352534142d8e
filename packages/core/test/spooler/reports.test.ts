import { outcome } from '@xport/provider-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createLoopbackTransport } from '../../../provider-loopback/src/index.js';
import { createHarness, recordingTransport, T0 } from './harness.js';

type Harness = Awaited<ReturnType<typeof createHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.spooler.stop();
  h = undefined;
});

async function withFailingTransport() {
  h = await createHarness();
  h.addTransport('loopback', ['loopback'], createLoopbackTransport({ providerId: 'loopback', config: { failAddresses: ['nobody'] }, inbound: h.spooler.inbound, logger: h.logger }));
  h.spooler.start();
  return h;
}

describe('reports', () => {
  it('writes a delivery report to the sender when one is asked for', async () => {
    const h = await withFailingTransport();
    const { messageId } = await h.spooler.submit({ from: 'loopback:me', to: ['loopback:you', 'loopback:nobody'], subject: 'dr', text: 'x', deliveryReport: true });
    await h.spooler.flush();
    const kinds = (await h.inbox('loopback:me')).map((e) => [e.envelope.kind, e.envelope.reportFor, e.envelope.subject]).sort();
    expect(kinds).toEqual([
      ['report.dr', messageId, 'Delivered: dr'],
      ['report.ndr', messageId, 'Undeliverable: dr'],
    ]);
  });

  it('writes no delivery report unless asked, and no NDR when suppressed', async () => {
    const h = await withFailingTransport();
    await h.spooler.submit({ from: 'loopback:me', to: ['loopback:you', 'loopback:nobody'], text: 'x', suppressNdr: true });
    await h.spooler.flush();
    expect(await h.inbox('loopback:me')).toEqual([]);
    expect(await h.inbox('loopback:you')).toHaveLength(1);
  });

  it('reports to an undeliverable sender without spawning a report about the report', async () => {
    const h = await withFailingTransport();
    // The sender's own address type has no transport, and the recipient fails.
    await h.spooler.submit({ from: 'fax:+1 555', to: ['loopback:nobody', 'telex:42'], text: 'x' });
    await h.spooler.flush();
    const reports = await h.inbox('fax:+1 555');
    expect(reports.map((e) => e.envelope.kind)).toEqual(['report.ndr', 'report.ndr']);
    expect(await h.store.listQueue()).toEqual([]);
    expect((await h.store.counts()).byState.queued).toBe(0);
  });

  it('never writes a report about a report message', async () => {
    const h = await withFailingTransport();
    const { messageId } = await h.store.submit({
      envelope: { from: { type: 'loopback', address: 'me' }, headers: {}, kind: 'report.ndr', reportFor: 'earlier', deliveryReport: true, suppressNdr: false },
      recipients: [
        { recipient: { type: 'loopback', address: 'nobody' }, role: 'to', provider: 'loopback' },
        { recipient: { type: 'loopback', address: 'you' }, role: 'to', provider: 'loopback' },
      ],
      parts: [{ kind: 'text', contentType: 'text/plain', content: 'report' }],
      submittedAt: T0,
      expiresAt: T0 + 1_000_000,
    });
    await h.spooler.flush();
    expect((await h.store.getMessage(messageId))?.recipients.map((r) => r.state)).toEqual(['failed', 'delivered']);
    expect(await h.inbox('loopback:me')).toEqual([]);
    // The loopback hand-over keeps the report kind on the inbound side.
    expect((await h.inbox('loopback:you')).map((e) => e.envelope.kind)).toEqual(['report.ndr']);
  });

  it("finishes a failed message without a sender, with no one to report to (like SMTP's null sender)", async () => {
    h = await createHarness();
    h.addTransport('fx', ['x400'], recordingTransport(() => outcome.failed('5.0.0', 'no')));
    h.spooler.start();
    const { messageId } = await h.spooler.submit({ to: ['x400:a'], text: 'x' });
    await h.spooler.flush();
    expect((await h.store.getMessage(messageId))?.recipients[0]?.state).toBe('failed');
    expect((await h.store.listSent()).map((m) => m.id)).toEqual([messageId]);
  });
});
