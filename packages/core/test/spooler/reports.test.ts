import { outcome, parseDeliveryStatus, type InboxEntry, type MessageStore } from '@xport/provider-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createLoopbackTransport } from '../../../provider-loopback/src/index.js';
import { toReportOptions } from '../../src/spooler/report-options.js';
import { createSpooler } from '../../src/spooler/index.js';
import { createHarness, readAll, recordingTransport, T0, type HarnessOptions } from './harness.js';

type Harness = Awaited<ReturnType<typeof createHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.spooler.stop();
  h = undefined;
});

async function withFailingTransport(options: HarnessOptions = {}) {
  h = await createHarness(options);
  h.addTransport('loopback', ['loopback'], createLoopbackTransport({ providerId: 'loopback', config: { failAddresses: ['nobody', 'ghost'] }, inbound: h.spooler.inbound, logger: h.logger }));
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

/** The parts of one inbox entry, read whole, by media type. */
async function partsOf(store: MessageStore, entry: InboxEntry | undefined): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const part of entry?.parts ?? []) out[part.contentType.split(';')[0]!] = await readAll(store.openPart(part.partId));
  return out;
}

async function statusOf(store: MessageStore, entry: InboxEntry | undefined): Promise<Array<[string, string, string]>> {
  const report = parseDeliveryStatus((await partsOf(store, entry))['message/delivery-status'] ?? '');
  return (report?.recipients ?? []).map((r) => [r.finalRecipient.value, r.action, r.status]);
}

describe('one report per message and event', () => {
  it('lists the recipients unroutable at submit in one NDR, and those failed in one send in another', async () => {
    h = await createHarness();
    h.addTransport('loopback', ['loopback'], createLoopbackTransport({ providerId: 'loopback', config: { failAddresses: ['nobody', 'ghost'] }, inbound: h.spooler.inbound, logger: h.logger }));
    const { messageId } = await h.spooler.submit({ from: 'loopback:me', to: ['fax:+1 555', 'loopback:you', 'telex:42', 'loopback:nobody'], cc: ['loopback:ghost'], subject: 'two events', text: 'x' });
    // At submit: the two unroutable ones, together, before submit resolved.
    const atSubmit = await h.inbox('loopback:me');
    expect(atSubmit).toHaveLength(1);
    expect(await statusOf(h.store, atSubmit[0])).toEqual([
      ['+1 555', 'failed', '5.1.2'],
      ['42', 'failed', '5.1.2'],
    ]);

    // The send: one hand-over to the loopback fails nobody and ghost together.
    h.spooler.start();
    await h.spooler.flush();
    const reports = await h.inbox('loopback:me');
    expect(reports.map((e) => [e.envelope.kind, e.envelope.reportFor])).toEqual([
      ['report.ndr', messageId],
      ['report.ndr', messageId],
    ]);
    const afterSend = reports.find((e) => e.id !== atSubmit[0]!.id);
    expect(await statusOf(h.store, afterSend)).toEqual([
      ['nobody', 'failed', '5.1.1'],
      ['ghost', 'failed', '5.1.1'],
    ]);
    const parts = await partsOf(h.store, afterSend);
    expect(Object.keys(parts)).toEqual(['text/plain', 'message/delivery-status', 'text/rfc822-headers']);
    expect(parts['text/plain']).toContain('Your message could not be delivered to the recipients below. This is a permanent error.');
    expect(parts['text/plain']!.match(/Code:\s+5\.1\.1/g)).toHaveLength(2);
    expect(afterSend?.envelope.headers).toMatchObject({ 'Auto-Submitted': 'auto-replied' });
  });

  it('writes the report of a send once when the process dies before its claims complete, and the retry fails them again', async () => {
    const h = await createHarness({ options: { leaseMs: 10_000 } });
    const base = h.store;
    // The first two completions are lost, as if the process died right after writing the report.
    let lost = 0;
    const dying = Object.create(base) as MessageStore;
    dying.complete = async (completion) => {
      if (lost < 2 && completion.result.state === 'failed') {
        lost += 1;
        throw new Error('simulated crash before the claim was completed');
      }
      return base.complete(completion);
    };
    const loopback = (inbound: typeof h.spooler.inbound) =>
      createLoopbackTransport({ providerId: 'loopback', config: { failAddresses: ['nobody', 'ghost'] }, inbound, logger: h.logger });
    const first = createSpooler({ ...h.host, store: dying }, { random: () => 0.5 });
    h.addTransport('loopback', ['loopback'], loopback(first.inbound));
    first.start();
    const { messageId } = await first.submit({ from: 'loopback:me', to: ['loopback:nobody', 'loopback:ghost'], text: 'x' });
    await first.flush();
    await first.stop();
    expect(lost).toBe(2);
    expect(await h.inbox('loopback:me')).toHaveLength(1);
    expect((await base.getMessage(messageId))?.recipients.map((r) => r.state)).toEqual(['in-flight', 'in-flight']);

    // "Restart" once the lease has run out: both are sent again, fail again, and the report is not written twice.
    h.clock.advance(10_000);
    const second = createSpooler({ ...h.host, store: base }, { random: () => 0.5 });
    h.addTransport('loopback', ['loopback'], loopback(second.inbound));
    second.start();
    await second.flush();
    await second.stop();
    expect((await base.getMessage(messageId))?.recipients.map((r) => r.state)).toEqual(['failed', 'failed']);
    const reports = await h.inbox('loopback:me');
    expect(reports).toHaveLength(1);
    expect(await statusOf(h.store, reports[0])).toEqual([
      ['nobody', 'failed', '5.1.1'],
      ['ghost', 'failed', '5.1.1'],
    ]);
  });

  it('settles the stranded recipients of one message together even when they span several claim batches', async () => {
    h = await createHarness({ options: { batchSize: 2 } });
    h.spooler.start();
    const to = Array.from({ length: 5 }, (_, i) => `fax:+1 555 ${i}`);
    await h.spooler.submit({ from: 'loopback:me', to, text: 'x' });
    const reports = await h.inbox('loopback:me');
    expect(reports).toHaveLength(1);
    expect((await statusOf(h.store, reports[0])).map(([address]) => address)).toEqual(to.map((t) => t.slice(4)));
  });
});

describe('duplicate recipients', () => {
  it('merges one address listed five times into one recipient, the most visible role, and one inbox entry', async () => {
    const h = await withFailingTransport();
    const receipt = await h.spooler.submit({ from: 'loopback:me', to: ['loopback:desk', 'Desk <loopback:desk>'], cc: ['loopback:desk', 'loopback:you'], bcc: ['loopback:desk', 'LOOPBACK:desk'], text: 'x' });
    expect(receipt.recipients.map((r) => r.recipient.address)).toEqual(['desk', 'you']);
    const stored = await h.store.getMessage(receipt.messageId);
    expect(stored?.recipients.map((r) => [r.recipient.address, r.role])).toEqual([
      ['desk', 'to'],
      ['you', 'cc'],
    ]);
    await h.spooler.flush();
    expect(await h.inbox('loopback:desk')).toHaveLength(1);
  });

  it('compares SMTP addresses as mailbox keys: the domain in any case or encoding is one, the local part as given', async () => {
    h = await createHarness();
    const smtp = recordingTransport();
    h.addTransport('smtp', ['smtp'], smtp);
    h.spooler.start();
    const receipt = await h.spooler.submit({
      from: 'ada@example.org',
      bcc: ['bob@bücher.example'],
      to: ['Bob@Example.ORG', 'Bob@example.org', 'bob@xn--bcher-kva.example', 'bob@example.org'],
      text: 'x',
    });
    // Bcc comes after To: it merges into the To entry of the same mailbox, which keeps its place and form.
    expect((await h.store.getMessage(receipt.messageId))?.recipients.map((r) => [r.recipient.address, r.role])).toEqual([
      ['Bob@Example.ORG', 'to'],
      ['bob@xn--bcher-kva.example', 'to'],
      ['bob@example.org', 'to'],
    ]);
  });
});

describe('standard DSNs for senders of a mail transport', () => {
  it('queues the NDR as a DSN to the sender, under the null sender, and its transport carries it', async () => {
    h = await createHarness({ reports: toReportOptions({ reportingMta: 'mx.example.org' }) });
    const smtp = recordingTransport((recipients) => recipients.map((r) => (r.recipient.address.startsWith('bad') ? outcome.failed('5.1.1', '550 5.1.1 user unknown') : outcome.delivered())));
    h.addTransport('smtp', ['smtp'], smtp);
    h.spooler.start();
    const { messageId } = await h.spooler.submit({ from: 'Zed <zed@elsewhere.test>', to: ['good@remote.test', 'bad1@remote.test', 'bad2@remote.test'], subject: 'hello', messageId: '<m1@elsewhere.test>', text: 'x' });
    await h.spooler.flush();

    expect(await h.inbox('smtp:zed@elsewhere.test')).toEqual([]);
    const dsnCalls = smtp.calls.filter((c) => c.message.envelope.kind === 'report.ndr');
    expect(dsnCalls).toHaveLength(1);
    const dsn = dsnCalls[0]!;
    expect(dsn.recipients).toEqual(['zed@elsewhere.test']);
    expect(dsn.message.envelope).toMatchObject({ kind: 'report.ndr', reportFor: messageId, subject: 'Undeliverable: hello', suppressNdr: true });
    expect(dsn.message.envelope.from).toBeUndefined();
    expect(dsn.message.envelope.headers).toEqual({ From: 'Mail Delivery System <MAILER-DAEMON@mx.example.org>', 'Auto-Submitted': 'auto-replied' });
    expect(dsn.message.parts.map((p) => p.contentType)).toEqual(['text/plain; charset=utf-8', 'message/delivery-status', 'text/rfc822-headers']);
    const status = parseDeliveryStatus(await readAll(dsn.message.openPart(dsn.message.parts[1]!.partId)));
    expect(status).toMatchObject({ reportingMta: { type: 'dns', value: 'mx.example.org' }, arrivalDate: T0 });
    expect(status?.recipients.map((r) => [r.finalRecipient.value, r.action, r.status, r.diagnosticCode?.type, r.diagnosticCode?.value])).toEqual([
      ['bad1@remote.test', 'failed', '5.1.1', 'smtp', '550 5.1.1 user unknown'],
      ['bad2@remote.test', 'failed', '5.1.1', 'smtp', '550 5.1.1 user unknown'],
    ]);
    const headers = await readAll(dsn.message.openPart(dsn.message.parts[2]!.partId));
    expect(headers).toContain('Message-ID: <m1@elsewhere.test>\r\n');
    expect(headers).toContain('From: "Zed" <zed@elsewhere.test>\r\n');
  });

  it('drops a DSN that cannot be delivered with a log line, and reports nothing about it', async () => {
    h = await createHarness();
    h.addTransport('smtp', ['smtp'], recordingTransport((recipients) => recipients.map(() => outcome.failed('5.1.1', '550 5.1.1 user unknown'))));
    h.spooler.start();
    const { messageId } = await h.spooler.submit({ from: 'zed@elsewhere.test', to: ['bad@remote.test'], text: 'x' });
    await h.spooler.flush();
    const sent = await h.store.listSent();
    const dsn = sent.find((m) => m.envelope.kind === 'report.ndr');
    expect(dsn?.envelope.reportFor).toBe(messageId);
    expect(dsn?.recipients.map((r) => r.state)).toEqual(['failed']);
    expect(sent).toHaveLength(2);
    expect(await h.store.listQueue()).toEqual([]);
    expect(h.logger.lines.filter((l) => l.message.startsWith('a report could not be delivered; it is dropped'))).toEqual([
      expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ messageId: dsn?.id, reportFor: messageId }) }),
    ]);
  });

  it('puts the report in a mailbox when the address type is set to mailbox, or when no transport takes it', async () => {
    h = await createHarness({ reports: toReportOptions({ byAddressType: { loopback: 'dsn' } }) });
    h.addTransport('smtp', ['smtp'], recordingTransport((recipients) => recipients.map(() => outcome.failed('5.1.1', 'no'))));
    h.spooler.start();
    await h.spooler.submit({ from: 'zed@elsewhere.test', to: ['bad@remote.test'], text: 'x' });
    // loopback is set to dsn, but no transport takes loopback: a mailbox entry, not a report left nowhere.
    await h.spooler.submit({ from: 'loopback:me', to: ['bad@remote.test'], text: 'x' });
    await h.spooler.flush();
    expect((await h.inbox('smtp:zed@elsewhere.test')).map((e) => e.envelope.kind)).toEqual(['report.ndr']);
    expect((await h.inbox('loopback:me')).map((e) => e.envelope.kind)).toEqual(['report.ndr']);
    expect((await h.store.listSent()).filter((m) => m.envelope.kind !== 'note')).toEqual([]);
  });
});
