import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSmtpAddress, hasUtf8LocalPart, parseRecipient, toAsciiDomain, toMailboxKey } from '../src/index.js';

// Internationalized addresses (RFC 6531 local parts, IDNA domains) beside the RFC 5321 grammar.
describe('internationalized SMTP addresses', () => {
  it.each([
    'zoë@example.org',
    'jürgen.weiß@example.org',
    '用户@例子.广告',
    'ada@bücher.example',
    'ada@xn--bcher-kva.example',
    '"Zoë Ångström"@example.org',
    'δοκιμή@παράδειγμα.δοκιμή',
  ])('accepts %s', (address) => {
    expect(checkSmtpAddress(address)).toBeUndefined();
    expect(parseRecipient(address)).toEqual({ type: 'smtp', address });
  });

  it.each([
    ['a\u202Eb@example.org', 'neither a dot-atom'], // right-to-left override: made to disguise an address
    ['zo\u200Bë@example.org', 'neither a dot-atom'], // zero-width space
    ['zo\u00A0ë@example.org', 'neither a dot-atom'], // no-break space
    ['zo\u0085ë@example.org', 'neither a dot-atom'], // C1 control
    ['a@bü cher.example', 'not a valid host name'],
    ['a@bücher..example', 'not a valid host name'],
    [`${'ü'.repeat(33)}@example.org`, 'longer than 64 octets'], // 33 characters, 66 octets
    [`a@${Array(4).fill('ü'.repeat(40)).join('.')}.org`, 'longer than 254 octets'],
  ])('refuses %j (%s)', (address, why) => {
    expect(checkSmtpAddress(address)).toContain(why);
  });

  it('accepts any local part of letters from any script', () => {
    const letter = fc.constantFrom(...'aZ9äßøåñçğışžřęłőűёжшщюяαβγδλπωאבגדהابتثجح一二三四五あいうえおかアイウエオ가나다라마'.split(''));
    const atom = fc.string({ unit: letter, minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(fc.array(atom, { minLength: 1, maxLength: 3 }), (atoms) => {
        expect(checkSmtpAddress(`${atoms.join('.')}@example.org`)).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('gives the domain in its lower-case ASCII form, and one mailbox for both forms of a domain', () => {
    expect(toAsciiDomain('Bücher.Example')).toBe('xn--bcher-kva.example');
    expect(toAsciiDomain('Example.ORG')).toBe('example.org');
    expect(toAsciiDomain('[192.0.2.1]')).toBe('[192.0.2.1]');
    const unicode = toMailboxKey(parseRecipient('zoë@Bücher.example'));
    expect(unicode).toBe('smtp:zoë@xn--bcher-kva.example');
    expect(toMailboxKey(parseRecipient('zoë@xn--bcher-kva.example'))).toBe(unicode);
    // Local parts keep their case and their characters.
    expect(toMailboxKey(parseRecipient('Zoë@example.org'))).toBe('smtp:Zoë@example.org');
  });

  it('tells when a local part needs SMTPUTF8, which a non-ASCII domain alone never does', () => {
    expect(hasUtf8LocalPart('zoë@example.org')).toBe(true);
    expect(hasUtf8LocalPart('zoe@bücher.example')).toBe(false);
    expect(hasUtf8LocalPart('ada@example.org')).toBe(false);
  });
});
