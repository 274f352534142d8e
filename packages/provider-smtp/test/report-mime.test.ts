import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { isReportMessage, toReportMailOptions } from '../src/report-mime.js';
import { createOutboundMessage } from './support/outbound-message.js';

const STATUS = 'Reporting-MTA: dns; mx.example.org\r\n\r\nFinal-Recipient: rfc822; bad@remote.test\r\nAction: failed\r\nStatus: 5.1.1\r\n';
const HEADERS = 'From: zed@elsewhere.test\r\nSubject: hello\r\nMessage-ID: <m1@elsewhere.test>\r\n';

function report() {
  const { message } = createOutboundMessage({
    to: ['zed@elsewhere.test'],
    subject: 'Undeliverable: Grüße',
    headers: { From: 'Mail Delivery System <MAILER-DAEMON@mx.example.org>', 'Auto-Submitted': 'auto-replied' },
    parts: [
      // Stored with LF line ends, as the kernel writes its text.
      { kind: 'text', contentType: 'text/plain; charset=utf-8', content: Buffer.from('Your message could not be delivered — sorry.\nSee below.\n') },
      { kind: 'attachment', contentType: 'message/delivery-status', content: Buffer.from(STATUS) },
      { kind: 'attachment', contentType: 'text/rfc822-headers', content: Buffer.from(HEADERS) },
    ],
  });
  return { ...message, envelope: { ...message.envelope, kind: 'report.ndr' as const, reportFor: 'orig-1' } };
}

describe('reports over SMTP', () => {
  it('sends a report as multipart/report; report-type=delivery-status with the null reverse path', async () => {
    const message = report();
    expect(isReportMessage(message)).toBe(true);
    const { options, estimatedSize } = await toReportMailOptions(message, ['zed@elsewhere.test']);
    expect(options.envelope).toMatchObject({ from: '', to: ['zed@elsewhere.test'], size: estimatedSize });
    const raw = options.raw as Buffer;
    expect(raw.length).toBe(estimatedSize);
    const text = raw.toString('latin1');
    // The machine-readable parts travel as they are.
    expect(text).toContain(`Content-Type: message/delivery-status\r\nContent-Transfer-Encoding: 7bit\r\n\r\n${STATUS}`);
    expect(text).toContain(`Content-Type: text/rfc822-headers\r\nContent-Transfer-Encoding: 7bit\r\n\r\n${HEADERS}`);
    // Every line ends in CRLF: a strict receiver (xport's own listener) refuses a bare LF.
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);

    const parsed = await simpleParser(raw, { keepDeliveryStatus: true });
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/report', params: { 'report-type': 'delivery-status' } });
    expect(parsed.from?.value).toEqual([{ address: 'MAILER-DAEMON@mx.example.org', name: 'Mail Delivery System' }]);
    expect((parsed.to as { text: string }).text).toBe('zed@elsewhere.test');
    expect(parsed.subject).toBe('Undeliverable: Grüße');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(parsed.messageId).toMatch(/^<[0-9a-f-]+@mx\.example\.org>$/);
    expect(parsed.text).toBe('Your message could not be delivered — sorry.\nSee below.\n');
    expect(parsed.attachments.map((a) => [a.contentType, a.content.toString('utf8')])).toEqual([
      ['message/delivery-status', STATUS],
      ['text/rfc822-headers', HEADERS],
    ]);
  });

  it('sends any other message as the message it is', () => {
    const { message } = createOutboundMessage({ from: 'ada@example.org', to: ['bob@example.net'] });
    expect(isReportMessage(message)).toBe(false);
    expect(isReportMessage({ ...message, envelope: { ...message.envelope, kind: 'report.dsn' } })).toBe(false);
  });
});
