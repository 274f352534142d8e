import { describe, expect, it } from 'vitest';
import { formatRecipient, parseRecipient, sameAddressType, toMailboxKey, toRecipient, XportError } from '../src/index.js';

describe('parseRecipient', () => {
  it.each([
    ['FAX:+33 1 23 45 67 89', { type: 'fax', address: '+33 1 23 45 67 89' }],
    ['Fax Desk <FAX:+33 1 23 45 67 89>', { type: 'fax', address: '+33 1 23 45 67 89', name: 'Fax Desk' }],
    ['ada@example.org', { type: 'smtp', address: 'ada@example.org' }],
    ['Ada Lovelace <ada@example.org>', { type: 'smtp', address: 'ada@example.org', name: 'Ada Lovelace' }],
    ['"Lovelace, Ada" <smtp:ada@example.org>', { type: 'smtp', address: 'ada@example.org', name: 'Lovelace, Ada' }],
    ['"a:b"@example.org', { type: 'smtp', address: '"a:b"@example.org' }],
    ['"a@b"@example.org', { type: 'smtp', address: '"a@b"@example.org' }],
    ['https:https://hooks.example.org/x?y=1', { type: 'https', address: 'https://hooks.example.org/x?y=1' }],
    ['  loopback:alice  ', { type: 'loopback', address: 'alice' }],
  ])('parses %s', (input, expected) => {
    expect(parseRecipient(input)).toEqual(expected);
  });

  it.each([
    ['', 'recipient is empty'],
    ['fax:', 'address is empty'],
    ['alice', 'expected TYPE:address or an e-mail address'],
    ['FAX TYPE:123', 'address type "FAX TYPE" must match'],
    ['smtp:ada@exa mple.org', 'is not a valid host name'],
    ['smtp:ada@example.org\r\nRCPT TO:<evil@x>', 'control character'],
    ['loopback:a\u0000b', 'control character'],
    ['Name <a <smtp:b@c.d>>', 'nested angle brackets'],
    ['Na"me <smtp:b@c.d>', 'display name contains " and is not quoted'],
    ['<smtp:b@c.d<x>>', 'nested angle brackets'],
    ['Name smtp:b@c.d>', 'without a matching "<"'],
    ['a<b@c.d', 'angle brackets must enclose'],
    ['"unterminated <smtp:b@c.d>', 'unterminated quote'],
    ['smtp:' + 'a'.repeat(65) + '@example.org', 'local part is longer than 64'],
    ['smtp:a..b@example.org', 'neither a dot-atom nor a quoted string'],
    ['smtp:a@[300.1.1.1]', 'address literal'],
    ['x'.repeat(70) + ':abc', 'must match ^[A-Za-z0-9]'],
  ])('rejects %j with a coded error', (input, why) => {
    let caught: unknown;
    try {
      parseRecipient(input);
    } catch (error) {
      caught = error;
    }
    expect(XportError.is(caught, 'XPORT_ADDRESS_INVALID')).toBe(true);
    expect((caught as Error).message).toContain(why);
  });

  it('compares address types case-insensitively', () => {
    expect(sameAddressType('SMTP', 'smtp')).toBe(true);
    expect(sameAddressType('fax', 'smtp')).toBe(false);
    expect(parseRecipient('LoopBack:x').type).toBe('loopback');
  });

  it('round-trips through formatRecipient', () => {
    for (const input of ['Fax Desk <FAX:123>', '"Doe, \\"J\\"" <smtp:j@example.org>', 'loopback:bob', 'ada@example.org']) {
      const parsed = parseRecipient(input);
      expect(parseRecipient(formatRecipient(parsed))).toEqual(parsed);
    }
  });

  it('builds mailbox keys with lowercase SMTP domains', () => {
    expect(toMailboxKey(toRecipient('SMTP', 'Ada@Example.ORG'))).toBe('smtp:Ada@example.org');
    expect(toMailboxKey(toRecipient('loopback', 'Bob'))).toBe('loopback:Bob');
  });
});
