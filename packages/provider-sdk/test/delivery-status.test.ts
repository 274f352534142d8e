import { describe, expect, it } from 'vitest';
import { findReturnedMessageId, fromDsnAddress, parseDeliveryStatus, toDeliveryStatusText, toDsnAddress, toDsnDiagnostic, toReturnedHeaders, type DeliveryStatus } from '../src/index.js';
import { makeEnvelope } from '../src/testing/index.js';

const T = Date.UTC(2025, 0, 1, 12, 30, 5);

// What Postfix 3.x sends for a recipient the next hop refused (its message/delivery-status part).
const POSTFIX = [
  'Reporting-MTA: dns; mail.example.net',
  'X-Postfix-Queue-ID: 4Q1B2C3D4E',
  'X-Postfix-Sender: rfc822; ada@example.org',
  'Arrival-Date: Wed,  1 Jan 2025 12:00:00 +0100 (CET)',
  '',
  'Final-Recipient: rfc822; nobody@example.com',
  'Original-Recipient: rfc822;nobody@example.com',
  'Action: failed',
  'Status: 5.1.1',
  'Remote-MTA: dns; mx.example.com',
  'Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.com>: Recipient address',
  '    rejected: User unknown in virtual mailbox table',
  '',
  'Final-Recipient: rfc822; full@example.com',
  'Action: delayed',
  'Status: 4.2.2 (mailbox full)',
  'Will-Retry-Until: Mon, 6 Jan 2025 12:00:00 +0100',
  '',
].join('\n');

describe('parseDeliveryStatus', () => {
  it('reads per-message and per-recipient fields of a real MTA report, folded lines and comments included', () => {
    const report = parseDeliveryStatus(POSTFIX);
    expect(report).toEqual({
      reportingMta: { type: 'dns', value: 'mail.example.net' },
      arrivalDate: Date.UTC(2025, 0, 1, 11, 0, 0),
      recipients: [
        {
          finalRecipient: { type: 'rfc822', value: 'nobody@example.com' },
          originalRecipient: { type: 'rfc822', value: 'nobody@example.com' },
          action: 'failed',
          status: '5.1.1',
          remoteMta: { type: 'dns', value: 'mx.example.com' },
          diagnosticCode: { type: 'smtp', value: '550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in virtual mailbox table' },
        },
        { finalRecipient: { type: 'rfc822', value: 'full@example.com' }, action: 'delayed', status: '4.2.2', willRetryUntil: Date.UTC(2025, 0, 6, 11, 0, 0) },
      ],
    });
  });

  it('keeps the Original-Envelope-Id, reads CRLF and field names in any case, and strips angle brackets from addresses', () => {
    const text = 'reporting-mta: dns; a.example\r\nORIGINAL-ENVELOPE-ID: msg-42\r\n\r\nfinal-recipient: RFC822; <Bob@Example.NET>\r\naction: Failed\r\nstatus: 5.7.1\r\n';
    expect(parseDeliveryStatus(text)).toEqual({
      reportingMta: { type: 'dns', value: 'a.example' },
      originalEnvelopeId: 'msg-42',
      recipients: [{ finalRecipient: { type: 'rfc822', value: 'Bob@Example.NET' }, action: 'failed', status: '5.7.1' }],
    });
  });

  it('is no report when no recipient block has a recipient, a known action and a status', () => {
    expect(parseDeliveryStatus('')).toBeUndefined();
    expect(parseDeliveryStatus('Reporting-MTA: dns; a.example\n')).toBeUndefined();
    expect(parseDeliveryStatus('Reporting-MTA: dns; a\n\nFinal-Recipient: rfc822; b@c.d\nAction: exploded\nStatus: 5.1.1\n')).toBeUndefined();
    expect(parseDeliveryStatus('Reporting-MTA: dns; a\n\nFinal-Recipient: rfc822; b@c.d\nAction: failed\nStatus: failed\n')).toBeUndefined();
    expect(parseDeliveryStatus('Hello,\n\nthis is just text.\n')).toBeUndefined();
  });

  it('reads at most 1000 recipients of a hostile report', () => {
    const block = 'Final-Recipient: rfc822; x@example.com\nAction: failed\nStatus: 5.1.1\n';
    const text = `Reporting-MTA: dns; a\n\n${Array.from({ length: 1500 }, () => block).join('\n')}`;
    expect(parseDeliveryStatus(text)?.recipients).toHaveLength(1000);
  });
});

describe('toDeliveryStatusText', () => {
  const report: DeliveryStatus = {
    reportingMta: { type: 'dns', value: 'mx.example.org' },
    originalEnvelopeId: 'env-1',
    arrivalDate: T,
    recipients: [
      {
        finalRecipient: toDsnAddress({ type: 'smtp', address: 'bob@example.net' }),
        action: 'failed',
        status: '5.1.1',
        diagnosticCode: toDsnDiagnostic(`550 5.1.1 <bob@example.net>: Recipient address rejected: ${'very '.repeat(30)}unknown`),
        lastAttemptDate: T,
      },
      { finalRecipient: toDsnAddress({ type: 'loopback', address: 'desk' }), action: 'failed', status: '5.1.2', diagnosticCode: toDsnDiagnostic('no transport for address type loopback') },
    ],
  };

  it('writes RFC 3464 fields with CRLF, folded under 78 characters, that parse back to the same report', () => {
    const text = toDeliveryStatusText(report);
    expect(text.startsWith('Reporting-MTA: dns; mx.example.org\r\nOriginal-Envelope-Id: env-1\r\nArrival-Date: Wed, 01 Jan 2025 12:30:05 +0000\r\n\r\nFinal-Recipient: rfc822; bob@example.net\r\n')).toBe(true);
    expect(text).toContain('Diagnostic-Code: x-xport; no transport for address type loopback\r\n');
    expect(text).toContain('Final-Recipient: x-loopback; desk\r\n');
    for (const line of text.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(parseDeliveryStatus(text)).toEqual(report);
  });

  it('writes only US-ASCII: other characters are RFC 6533 escapes, controls are spaces', () => {
    const text = toDeliveryStatusText({
      reportingMta: { type: 'dns', value: 'mx.example.org' },
      recipients: [{ finalRecipient: toDsnAddress({ type: 'smtp', address: 'zoë@bücher.example' }), action: 'failed', status: '5.6.7', diagnosticCode: toDsnDiagnostic('550 5.6.7 naïve\r\nBcc: injected') }],
    });
    expect(text).toMatch(/^[\x20-\x7e\r\n]*$/);
    expect(text).toContain('Final-Recipient: utf-8; zo\\x{EB}@xn--bcher-kva.example\r\n');
    expect(text).toContain('Diagnostic-Code: smtp; 550 5.6.7 na\\x{EF}ve Bcc: injected\r\n');
    expect(fromDsnAddress(parseDeliveryStatus(text)!.recipients[0]!.finalRecipient)).toEqual({ type: 'smtp', address: 'zoë@xn--bcher-kva.example' });
  });
});

describe('DSN addresses', () => {
  it('maps typed addresses back to recipients xport can address, and nothing else', () => {
    expect(fromDsnAddress({ type: 'rfc822', value: 'bob@example.net' })).toEqual({ type: 'smtp', address: 'bob@example.net' });
    expect(fromDsnAddress({ type: 'x-loopback', value: 'desk' })).toEqual({ type: 'loopback', address: 'desk' });
    expect(fromDsnAddress({ type: 'rfc822', value: 'not an address' })).toBeUndefined();
    expect(fromDsnAddress({ type: 'x400', value: 'c=us;a= ;p=x' })).toBeUndefined();
  });
});

describe('toReturnedHeaders', () => {
  it("writes the original header in US-ASCII: smtp addresses only, no Bcc, encoded words for what is not ASCII", () => {
    const text = toReturnedHeaders({
      envelope: makeEnvelope({ from: { type: 'smtp', address: 'ada@example.org', name: 'Ada Lovelace' }, subject: 'Grüße', messageId: '<m1@example.org>', headers: { 'X-Ticket': 'T-42', From: 'ignored' } }),
      recipients: [
        { recipient: { type: 'smtp', address: 'bob@bücher.example', name: 'Bøb' }, role: 'to' },
        { recipient: { type: 'loopback', address: 'desk' }, role: 'to' },
        { recipient: { type: 'smtp', address: 'carol@example.net' }, role: 'cc' },
        { recipient: { type: 'smtp', address: 'secret@example.net' }, role: 'bcc' },
      ],
      submittedAt: T,
    });
    expect(text).toBe(
      [
        'Date: Wed, 01 Jan 2025 12:30:05 +0000',
        'From: "Ada Lovelace" <ada@example.org>',
        'To: =?UTF-8?B?QsO4Yg==?= <bob@xn--bcher-kva.example>',
        'Cc: carol@example.net',
        'Subject: =?UTF-8?B?R3LDvMOfZQ==?=',
        'Message-ID: <m1@example.org>',
        'X-Ticket: T-42',
        '',
      ].join('\r\n'),
    );
  });
});

describe('findReturnedMessageId', () => {
  it('reads the Message-ID of the returned header block only, folded or not', () => {
    expect(findReturnedMessageId('From: ada@example.org\r\nMessage-ID:\r\n <m1@example.org>\r\nSubject: x\r\n')).toBe('<m1@example.org>');
    expect(findReturnedMessageId('Subject: x\n\nMessage-ID: <quoted@body>\n')).toBeUndefined();
    expect(findReturnedMessageId('Message-Id: junk\n')).toBeUndefined();
  });
});
