import { afterEach, describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from '@xport/core';
import type { InboxEntry, TransportProvider } from '@xport/provider-sdk';
import { hasPython, runPython } from './python-interop.js';
import { createE2eApp, type E2eApp } from './test-app.js';
import { startSink, type Sink, type SinkMail } from './smtp-sink.js';

// The SMTP DSN extension (RFC 3461) end to end, against real peers: Python smtplib gives NOTIFY,
// ORCPT, RET and ENVID to the xport listener; an application passes the received message on with
// the parameters it was stored with; the relay hands them to a next hop that offers DSN, or xport
// reports itself (relayed, delivered, delayed) to the sender's MX — an in-process smtp-server — and
// Python's email package reads the report. Every wait is for a spooler event or for the sink.

let app: E2eApp | undefined;
let kernel: Kernel | undefined;
let sink: Sink | undefined;

afterEach(async () => {
  await kernel?.stop();
  await sink?.close();
  await app?.cleanup();
  kernel = undefined;
  sink = undefined;
  app = undefined;
});

async function readDsn(mail: SinkMail): Promise<Record<string, unknown>> {
  const read = await runPython('dsn_read.py', [], mail.raw);
  expect(read.stderr).toBe('');
  return JSON.parse(read.stdout) as Record<string, unknown>;
}

async function startKernel(sinkPort: number, reports: Record<string, unknown> = {}, retry: Record<string, unknown> = {}): Promise<Kernel> {
  app = await createE2eApp(['provider-smtp', 'provider-loopback', 'store-sqlite'], {
    store: { provider: 'store-sqlite' },
    transportOrder: ['smtp', 'loopback'],
    providers: {
      smtp: { config: { relay: { host: '127.0.0.1', port: sinkPort }, listen: { enabled: true, port: 0, domains: ['y.test'] } } },
      loopback: { config: { latencyMs: 0 } },
    },
    spooler: { pollMs: 50, retry },
    reports: { reportingMta: 'mx.example.org', ...reports },
  });
  kernel = createKernel({ root: app.root, env: {} });
  await kernel.start();
  expect(kernel.providerState('smtp')).toBe('online');
  return kernel;
}

function listenPort(k: Kernel): number {
  const address = (k.transport('smtp') as TransportProvider & { listenAddress(): { port: number } | undefined }).listenAddress();
  if (!address) throw new Error('the smtp listener is not running');
  return address.port;
}

/** Python sends a message with DSN parameters through the listener; returns the inbox entry it became. */
async function receiveWithDsn(k: Kernel): Promise<InboxEntry> {
  const run = await runPython('smtplib_dsn.py', ['send', String(listenPort(k))]);
  expect(run.stderr).toBe('');
  const sent = JSON.parse(run.stdout) as { dsn: boolean; replies: Record<string, [number, string]> };
  expect(sent.dsn).toBe(true);
  expect([sent.replies.mail, sent.replies.rcpt, sent.replies.data].map((r) => r![0]), JSON.stringify(sent.replies)).toEqual([250, 250, 250]);
  const [entry] = await k.store()!.listInbox('smtp:b@y.test');
  return entry!;
}

/** Resolves with the first spooler event of `name` for `messageId`. */
function nextEvent(k: Kernel, name: 'delivered' | 'failed' | 'deferred', messageId: string): Promise<{ recipientIndex: number }> {
  return new Promise((resolve) => {
    const off = k.spooler().on(name, (event: { messageId: string; recipientIndex: number }) => {
      if (event.messageId !== messageId) return;
      off();
      resolve(event);
    });
  });
}

describe('the SMTP DSN extension (RFC 3461)', () => {
  it.skipIf(!hasPython)('takes NOTIFY, ORCPT, RET and ENVID at the listener and, the message stored, sends the success DSN Python reads as multipart/report', async () => {
    sink = await startSink();
    const k = await startKernel(sink.port);
    const entry = await receiveWithDsn(k);
    expect(entry.envelope.dsn).toEqual({
      ret: 'hdrs',
      envelopeId: 'abc',
      recipients: [{ recipient: { type: 'smtp', address: 'b@y.test' }, notify: ['success'], originalRecipient: { type: 'rfc822', value: 'b+desk@y.test' } }],
    });
    // Stored in its mailbox is delivered (RFC 3461 §6.2): the report goes to the return path, a@x.test, over SMTP.
    await expect.poll(() => sink!.received.length, { timeout: 15_000 }).toBe(1);
    const [report] = sink.received;
    expect([report!.from, report!.to]).toEqual(['', ['a@x.test']]);
    expect(await readDsn(report!)).toMatchObject({
      contentType: 'multipart/report',
      reportType: 'delivery-status',
      subject: 'Delivered: DSN please',
      parts: ['text/plain', 'message/delivery-status', 'text/rfc822-headers'],
      perMessage: { 'Reporting-MTA': 'dns; mx.example.org', 'Original-Envelope-Id': 'abc' },
      perRecipient: [{ 'Original-Recipient': 'rfc822; b+desk@y.test', 'Final-Recipient': 'rfc822; b@y.test', Action: 'delivered', Status: '2.0.0' }],
      returnedMessageId: '<dsn-1@x.test>',
    });
    expect((await k.store()!.listSent()).find((m) => m.envelope.kind === 'report.dr')?.envelope.reportFor).toBe(entry.id);
  });

  it.skipIf(!hasPython)('passes the parameters of a received message on to a relay that offers DSN, which reports from then on', async () => {
    sink = await startSink({ dsn: true });
    const k = await startKernel(sink.port);
    const entry = await receiveWithDsn(k);
    // The application passes it on (as a mail server's alias would), with the parameters it came with.
    const receipt = await k.submit({ from: 'smtp:a@x.test', to: ['smtp:b@y.test'], subject: 'DSN please', text: 'passed on', dsn: entry.envelope.dsn! });
    await nextEvent(k, 'delivered', receipt.messageId);
    const [relayed] = sink.received.filter((m) => m.from === 'a@x.test');
    expect(relayed!.mailArgs).toMatchObject({ RET: 'HDRS', ENVID: 'abc' });
    expect(relayed!.rcptArgs).toEqual([{ NOTIFY: 'SUCCESS', ORCPT: 'rfc822;b+desk@y.test' }]);
    // The next hop took the request: xport writes no success report of its own for it (it would be
    // written by now); the one report is the listener's, for the message it stored.
    const reports = [...(await k.store()!.listQueue()), ...(await k.store()!.listSent())].filter((m) => m.envelope.kind !== 'note');
    expect(reports.map((m) => [m.envelope.kind, m.envelope.reportFor])).toEqual([['report.dr', entry.id]]);
  });

  it.skipIf(!hasPython)('sends a relayed DSN to the sender when the relay does not offer DSN', async () => {
    sink = await startSink();
    const k = await startKernel(sink.port);
    const entry = await receiveWithDsn(k);
    const receipt = await k.submit({ from: 'smtp:a@x.test', to: ['smtp:b@y.test'], subject: 'DSN please', text: 'passed on', dsn: entry.envelope.dsn! });
    // The listener's report for the stored message, the message passed on, and its relayed report.
    await expect.poll(() => sink!.received.length, { timeout: 15_000 }).toBe(3);
    expect(sink.received.find((m) => m.from === 'a@x.test')!.mailArgs).toEqual({});
    const reports = await Promise.all(sink.received.filter((m) => m.from === '').map(readDsn));
    expect(reports.map((r) => (r.perRecipient as Array<Record<string, string>>)[0]!.Action).sort()).toEqual(['delivered', 'relayed']);
    expect(reports.find((r) => (r.perRecipient as Array<Record<string, string>>)[0]!.Action === 'relayed')).toMatchObject({
      perMessage: { 'Original-Envelope-Id': 'abc' },
      perRecipient: [{ 'Original-Recipient': 'rfc822; b+desk@y.test', 'Final-Recipient': 'rfc822; b@y.test', Action: 'relayed', Status: '2.0.0' }],
    });
    const reportedOn = (await k.store()!.listSent()).filter((m) => m.envelope.kind === 'report.dr').map((m) => m.envelope.reportFor);
    expect(reportedOn.sort()).toEqual([entry.id, receipt.messageId].sort());
  });

  it.skipIf(!hasPython)('sends a success DSN (Action: delivered) over SMTP when a recipient that asked NOTIFY=SUCCESS is delivered', async () => {
    sink = await startSink();
    const k = await startKernel(sink.port);
    await k.submit({
      from: 'smtp:a@x.test',
      to: ['loopback:desk'],
      subject: 'to the desk',
      text: 'x',
      dsn: { envelopeId: 'env-7', recipients: [{ recipient: 'loopback:desk', notify: ['success', 'failure'], originalRecipient: 'rfc822;desk@y.test' }] },
    });
    await expect.poll(() => sink!.received.length, { timeout: 15_000 }).toBe(1);
    const [report] = sink.received;
    expect([report!.from, report!.to]).toEqual(['', ['a@x.test']]);
    expect(await readDsn(report!)).toMatchObject({
      contentType: 'multipart/report',
      reportType: 'delivery-status',
      perMessage: { 'Original-Envelope-Id': 'env-7' },
      perRecipient: [{ 'Original-Recipient': 'rfc822; desk@y.test', 'Final-Recipient': 'x-loopback; desk', Action: 'delivered', Status: '2.0.0' }],
    });
  });

  it.skipIf(!hasPython)('sends one delay DSN once a deferred recipient that asked NOTIFY=DELAY has waited reports.delayAfterMs', async () => {
    sink = await startSink({ rcpt: (a) => (a.startsWith('slow') ? { code: 451, text: '4.2.1 Mailbox busy, try later' } : undefined) });
    const k = await startKernel(sink.port, { delayAfterMs: 600 }, { minDelayMs: 100, maxDelayMs: 200 });
    const receipt = await k.submit({ from: 'smtp:a@x.test', to: ['smtp:slow@y.test'], subject: 'slow', text: 'x', dsn: { notify: ['delay', 'failure'] } });
    // Deferrals until the report is out, then three more: still one report.
    let deferrals = 0;
    let afterReport = -1;
    await new Promise<void>((resolve) => {
      const off = k.spooler().on('deferred', (event) => {
        if (event.messageId !== receipt.messageId) return;
        deferrals += 1;
        if (afterReport < 0 && sink!.received.length > 0) afterReport = deferrals;
        if (afterReport > 0 && deferrals >= afterReport + 3) {
          off();
          resolve();
        }
      });
    });
    expect(sink.received).toHaveLength(1);
    const [report] = sink.received;
    expect(report!.to).toEqual(['a@x.test']);
    const read = await readDsn(report!);
    expect(read).toMatchObject({ subject: 'Delayed: slow', perRecipient: [{ 'Final-Recipient': 'rfc822; slow@y.test', Action: 'delayed', Status: '4.2.1' }] });
    expect((read.perRecipient as Array<Record<string, string>>)[0]!['Will-Retry-Until']).toMatch(/\+0000$/);
  });

  it('writes no report at all for a failed recipient that asked NOTIFY=NEVER', async () => {
    sink = await startSink({ rcpt: (a) => (a.startsWith('bad') ? { code: 550, text: '5.1.1 User unknown' } : undefined) });
    const k = await startKernel(sink.port);
    const receipt = await k.submit({ from: 'smtp:a@x.test', to: ['smtp:bad@y.test'], text: 'x', dsn: { notify: 'never' } });
    await nextEvent(k, 'failed', receipt.messageId);
    // A report is written before the failure is recorded: had one been owed, it would be queued now.
    expect((await k.store()!.listQueue()).map((m) => m.envelope.kind)).toEqual([]);
    expect((await k.store()!.listSent()).map((m) => m.envelope.kind)).toEqual(['note']);
    expect(sink.received).toEqual([]);
  });

  it.skipIf(!hasPython)('refuses malformed DSN parameters with 501 5.5.4 and a reply that names the rule', async () => {
    sink = await startSink();
    const k = await startKernel(sink.port);
    const run = await runPython('smtplib_dsn.py', ['bad', String(listenPort(k))]);
    expect(run.stderr).toBe('');
    const { replies } = JSON.parse(run.stdout) as { replies: Record<string, [number, string]> };
    expect(replies).toEqual({
      'ret-body': [501, '5.5.4 RET must be FULL or HDRS (RFC 3461)'],
      'envid-too-long': [501, '5.5.4 ENVID must be 1 to 100 characters (RFC 3461)'],
      'never-and-success': [501, '5.5.4 NOTIFY=NEVER cannot be combined with other NOTIFY keywords (RFC 3461)'],
      'unknown-keyword': [501, '5.5.4 NOTIFY must be NEVER, or one or more of SUCCESS, FAILURE, DELAY (RFC 3461)'],
      'keyword-twice': [501, '5.5.4 a NOTIFY keyword is given twice (RFC 3461)'],
      'orcpt-no-type': [501, '5.5.4 ORCPT must be addr-type;address, as in rfc822;bob@example.net (RFC 3461)'],
      'orcpt-too-long': [501, '5.5.4 ORCPT is longer than 500 characters (RFC 3461)'],
      'notify-twice': [501, '5.5.4 NOTIFY is given twice (RFC 3461)'],
    });
  });
});
