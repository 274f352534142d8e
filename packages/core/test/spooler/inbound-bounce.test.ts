import { afterEach, describe, expect, it } from 'vitest';
import type { InboundMessage } from '@xport/provider-sdk';
import { toReportOptions } from '../../src/spooler/report-options.js';
import { createHarness, type HarnessOptions } from './harness.js';

type Harness = Awaited<ReturnType<typeof createHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.spooler.stop();
  h = undefined;
});

const STATUS = [
  'Reporting-MTA: dns; mx.remote.test',
  'Original-Envelope-Id: env-7',
  '',
  'Final-Recipient: rfc822; bob@remote.test',
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
  'Diagnostic-Code: smtp; 554 5.7.1 rejected as spam',
  '',
].join('\r\n');

function dsnTo(to: string[], status = STATUS, overrides: Partial<InboundMessage> = {}): InboundMessage {
  return {
    from: { type: 'smtp', address: 'MAILER-DAEMON@mx.remote.test' },
    recipients: to.map((address) => ({ type: 'smtp', address })),
    subject: 'Undelivered Mail Returned to Sender',
    text: 'This is the mail system at host mx.remote.test.',
    attachments: [
      { filename: 'status', contentType: 'message/delivery-status', content: Buffer.from(status) },
      { filename: 'headers', contentType: 'text/rfc822-headers', content: Buffer.from('From: ada@example.org\r\nMessage-ID: <orig-1@example.org>\r\nSubject: hi\r\n') },
    ],
    receivedBy: 'smtp',
    ...overrides,
  };
}

async function harness(options: HarnessOptions = {}): Promise<Harness> {
  h = await createHarness(options);
  return h;
}

describe('inbound delivery status notifications', () => {
  it('recognises a DSN: kind report.dsn in the mailbox it is addressed to and in the bounce mailbox, with its keys and classes logged', async () => {
    const h = await harness();
    const receipt = await h.spooler.inbound.deliver(dsnTo(['ada@example.org']));
    expect(receipt.entries.map((e) => e.mailbox)).toEqual(['smtp:ada@example.org', 'xport:bounces']);
    for (const mailbox of ['smtp:ada@example.org', 'xport:bounces']) {
      expect((await h.inbox(mailbox)).map((e) => [e.envelope.kind, e.receivedBy])).toEqual([['report.dsn', 'smtp']]);
    }
    const line = h.logger.lines.find((l) => l.message === 'inbound bounce recognised');
    expect(line?.fields).toMatchObject({
      receivedBy: 'smtp',
      reportingMta: 'mx.remote.test',
      envelopeId: 'env-7',
      originalMessageId: '<orig-1@example.org>',
      recipients: [
        { address: 'bob@remote.test', action: 'failed', status: '5.1.1', class: 'hard' },
        { address: 'carol@remote.test', action: 'delayed', status: '4.2.2', class: 'soft' },
        { address: 'dave@remote.test', action: 'failed', status: '5.7.1', class: 'policy' },
      ],
    });
  });

  it('keeps a DSN that came back to a VERP return path in the bounce mailbox only, with its token', async () => {
    const h = await harness({ reports: toReportOptions({ verp: 'bounces@example.org', bounceMailbox: 'loopback:postmaster' }) });
    const receipt = await h.spooler.inbound.deliver(dsnTo(['Bounces+bob=remote.test@Example.org']));
    expect(receipt.entries.map((e) => e.mailbox)).toEqual(['loopback:postmaster']);
    expect(h.logger.lines.find((l) => l.message === 'inbound bounce recognised')?.fields).toMatchObject({ verpToken: 'bob=remote.test' });
  });

  it('keeps a success notice with its addressee, not in the bounce mailbox', async () => {
    const h = await harness();
    const success = 'Reporting-MTA: dns; mx.remote.test\r\n\r\nFinal-Recipient: rfc822; bob@remote.test\r\nAction: delivered\r\nStatus: 2.0.0\r\n';
    const receipt = await h.spooler.inbound.deliver(dsnTo(['ada@example.org'], success));
    expect(receipt.entries.map((e) => e.mailbox)).toEqual(['smtp:ada@example.org']);
    expect((await h.inbox('smtp:ada@example.org')).map((e) => e.envelope.kind)).toEqual(['report.dsn']);
    expect(h.logger.lines.map((l) => l.message)).toContain('inbound delivery status notification recognised');
  });

  it('leaves other mail alone: no delivery-status part, one that is no report, or a kind its transport set', async () => {
    const h = await harness();
    await h.spooler.inbound.deliver({ recipients: [{ type: 'smtp', address: 'ada@example.org' }], text: STATUS });
    await h.spooler.inbound.deliver(dsnTo(['ada@example.org'], 'Reporting-MTA: dns; x\r\n\r\nJust: text\r\n'));
    await h.spooler.inbound.deliver(dsnTo(['ada@example.org'], STATUS, { kind: 'report.ndr' }));
    expect((await h.inbox('smtp:ada@example.org')).map((e) => e.envelope.kind).sort()).toEqual(['note', 'note', 'report.ndr']);
    expect(await h.inbox('xport:bounces')).toEqual([]);
  });
});
