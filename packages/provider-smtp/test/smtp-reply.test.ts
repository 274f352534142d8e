import { describe, expect, it } from 'vitest';
import { classifySmtpReply, parseEnhancedStatus } from '../src/index.js';

describe('classifySmtpReply', () => {
  it('reads 2xx as delivered, with the reply as diagnostic', () => {
    expect(classifySmtpReply(250, '250 2.0.0 Ok: queued as ABC')).toEqual({ status: 'delivered', diagnostic: '250 2.0.0 Ok: queued as ABC' });
  });

  it('reads 4xx as deferred with the enhanced code, or 4.0.0 without one', () => {
    expect(classifySmtpReply(451, '451 4.7.1 Greylisted')).toEqual({ status: 'deferred', code: '4.7.1', diagnostic: '451 4.7.1 Greylisted' });
    expect(classifySmtpReply(421, '421 closing')).toEqual({ status: 'deferred', code: '4.0.0', diagnostic: '421 closing' });
  });

  it('reads 5xx as failed with the enhanced code, or 5.0.0 without one', () => {
    expect(classifySmtpReply(550, '550 5.1.1 <bob@example.org>: user unknown', 'RCPT')).toEqual({ status: 'failed', code: '5.1.1', diagnostic: '550 5.1.1 <bob@example.org>: user unknown' });
    expect(classifySmtpReply(554, '554 Transaction failed')).toEqual({ status: 'failed', code: '5.0.0', diagnostic: '554 Transaction failed' });
  });

  it('reads the enhanced code of a multi-line reply', () => {
    expect(classifySmtpReply(550, '550-5.7.1 Message rejected\n550 5.7.1 see https://example.org/policy')).toMatchObject({ code: '5.7.1' });
  });

  it('ignores an enhanced code whose class contradicts the reply code', () => {
    expect(classifySmtpReply(550, '550 4.2.2 confused server')).toMatchObject({ status: 'failed', code: '5.0.0' });
    expect(parseEnhancedStatus(451, '451 5.1.1 nope')).toBeUndefined();
  });

  it('treats 552 at RCPT as "too many recipients", a temporary failure (RFC 5321 4.5.3.1.10)', () => {
    expect(classifySmtpReply(552, '552 5.5.3 Too many recipients', 'RCPT')).toMatchObject({ status: 'deferred' });
    expect(classifySmtpReply(552, '552 5.3.4 Message too big', 'DATA')).toMatchObject({ status: 'failed', code: '5.3.4' });
  });

  it('defers a reply that is not final (1xx, 3xx)', () => {
    expect(classifySmtpReply(354, '354 go ahead')).toMatchObject({ status: 'deferred' });
  });

  it('makes the diagnostic one safe line', () => {
    const outcome = classifySmtpReply(550, '550 5.1.1 a\r\nb\u0000c' + 'x'.repeat(1000));
    expect(outcome).toMatchObject({ status: 'failed' });
    const diagnostic = (outcome as { diagnostic: string }).diagnostic;
    expect(/[\r\n]/.test(diagnostic) || diagnostic.includes(String.fromCharCode(0))).toBe(false);
    expect(diagnostic.length).toBeLessThanOrEqual(512);
  });
});
