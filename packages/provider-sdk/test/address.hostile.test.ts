import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSmtpAddress, MAX_ADDRESS_LENGTH, MAX_DISPLAY_NAME_LENGTH, parseRecipient, toRecipient, XportError } from '../src/index.js';

function rejection(parse: () => unknown): XportError {
  try {
    parse();
  } catch (error) {
    expect(XportError.is(error, 'XPORT_ADDRESS_INVALID')).toBe(true);
    return error as XportError;
  }
  throw new Error('expected XPORT_ADDRESS_INVALID, but the input was accepted');
}

describe('hostile recipients', () => {
  it.each([
    ['group syntax', 'undisclosed-recipients:;'],
    ['group syntax', 'Undisclosed recipients:;'],
    ['group syntax', 'a: b@c.org, d@e.org;'],
    ['group syntax', 'team:ada@example.org;'],
    ['group syntax', 'outer: inner: a@b.org;;'],
    ['group syntax', 'outer: inner:;;'],
    ['several addresses separated by ","', 'ada@example.org, bob@example.org'],
    ['several addresses separated by ","', 'smtp:ada@example.org,bob@example.org'],
    ['several addresses separated by ","', 'Ada <ada@example.org, bob@example.org>'],
    ['address type is empty', ':ada'],
    ['address type is empty', 'Ada <:ada>'],
    ['control character', 'smtp:ada@example.org\rX'],
    ['control character', 'smtp:ada@example.org\nBcc: evil@x.org'],
    ['control character', 'loopback:a\u0085b'],
    ['control character', 'Ada\u0000 <loopback:a>'],
    ['neither a dot-atom nor a quoted string', '"a@b@example.org'],
    ['neither a dot-atom nor a quoted string', 'smtp:"a"b"@example.org'],
    ['address literal', 'smtp:a@[IPv6:::::::::]'],
    ['address literal', 'smtp:a@[IPv6:zz::1]'],
    ['not a valid host name', 'smtp:a@-example.org'],
    ['not a valid host name', 'smtp:a@example..org'],
    ['local-part@domain', 'smtp:@example.org'],
    ['local-part@domain', 'smtp:a@'],
    ['not a valid host name', `smtp:a@${'b'.repeat(64)}.org`],
    ['longer than 254', `smtp:${'a'.repeat(60)}@${Array(4).fill('d'.repeat(60)).join('.')}.org`],
    ['longer than 2048 characters', `loopback:${'a'.repeat(MAX_ADDRESS_LENGTH + 1)}`],
    ['display name is longer', `"${'n'.repeat(MAX_DISPLAY_NAME_LENGTH + 1)}" <loopback:a>`],
  ])('(%#) refuses a hostile recipient with a message containing %j', (why, input) => {
    expect(rejection(() => parseRecipient(input)).message).toContain(why);
  });

  it('keeps accepting quoted local parts holding "@", ":" or "," and X.400-style addresses ending in ";"', () => {
    expect(parseRecipient('"a@b"@example.org')).toEqual({ type: 'smtp', address: '"a@b"@example.org' });
    expect(parseRecipient('smtp:"a,b"@example.org')).toEqual({ type: 'smtp', address: '"a,b"@example.org' });
    expect(parseRecipient('"Lovelace, Ada" <ada@example.org>')).toEqual({ type: 'smtp', address: 'ada@example.org', name: 'Lovelace, Ada' });
    expect(parseRecipient('X400:c=us;a= ;p=xport;o=lab;s=ada;')).toEqual({ type: 'x400', address: 'c=us;a= ;p=xport;o=lab;s=ada;' });
    expect(parseRecipient('smtp:a@[IPv6:2001:db8::1]')).toEqual({ type: 'smtp', address: 'a@[IPv6:2001:db8::1]' });
    expect(parseRecipient('smtp:a@[192.0.2.1]')).toEqual({ type: 'smtp', address: 'a@[192.0.2.1]' });
  });

  it('checks recipient objects as strictly as the text form', () => {
    expect(rejection(() => toRecipient('', 'a')).message).toContain('address type ""');
    expect(rejection(() => toRecipient('fax', '')).message).toContain('address is empty');
    expect(rejection(() => toRecipient('smtp', 'a@b.org\r\nRCPT TO:<x@y.org>')).message).toContain('control character');
    expect(rejection(() => toRecipient('smtp', 'a@b.org, c@d.org')).message).toContain('several addresses');
    expect(rejection(() => toRecipient('team', 'a@b.org, c@d.org;')).message).toContain('group syntax');
    expect(rejection(() => toRecipient('undisclosed', ';')).message).toContain('group syntax');
    expect(rejection(() => toRecipient('loopback', ' a')).message).toContain('white space');
    expect(rejection(() => toRecipient('loopback', 'a', 'Name\nBcc: x')).message).toContain('display name contains a control character');
  });

  it('truncates hostile input in messages so an error never carries megabytes', () => {
    const error = rejection(() => parseRecipient(`loopback:${'a'.repeat(1_000_000)}`));
    expect(error.message.length).toBeLessThan(200);
    expect(JSON.stringify(error.details).length).toBeLessThan(400);
  });
});

describe('RFC 5321 mailbox check', () => {
  const atext = fc.constantFrom(...'abcXYZ019!#$%&\'*+/=?^_`{|}~-'.split(''));
  const atom = fc.string({ unit: atext, minLength: 1, maxLength: 8 });
  const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/);
  const mailbox = fc.tuple(fc.array(atom, { minLength: 1, maxLength: 3 }), fc.array(label, { minLength: 1, maxLength: 3 })).map(([l, d]) => `${l.join('.')}@${d.join('.')}`);

  it('accepts dot-atom mailboxes of the grammar', () => {
    fc.assert(
      fc.property(mailbox, (address) => {
        expect(checkSmtpAddress(address)).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses any mailbox with a character outside the grammar spliced in (space, control, "<", ">", "(", ",", ";", "\\\\")', () => {
    const bad = fc.constantFrom(' ', '\r', '\n', '\u0000', '\t', '<', '>', '(', ')', ',', ';', '\\', '[', ']');
    fc.assert(
      fc.property(mailbox, bad, fc.nat(), (address, c, at) => {
        const i = at % (address.length + 1);
        const spliced = `${address.slice(0, i)}${c}${address.slice(i)}`;
        expect(checkSmtpAddress(spliced)).toBeTypeOf('string');
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses every RFC 5322 group, empty, flat or nested, as group syntax', () => {
    const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ._-]{0,12}$/);
    const group = fc.tuple(name, fc.array(mailbox, { maxLength: 3 }), fc.option(name, { nil: undefined })).map(([outer, list, inner]) =>
      inner === undefined ? `${outer}: ${list.join(', ')};` : `${outer}: ${inner}: ${list.join(', ')};;`,
    );
    fc.assert(
      fc.property(group, (text) => {
        expect(rejection(() => parseRecipient(text)).message).toContain('group syntax');
      }),
      { numRuns: 1000 },
    );
  });
});
