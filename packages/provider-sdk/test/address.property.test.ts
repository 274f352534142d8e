import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatRecipient, parseRecipient, toRecipient, XportError, type Recipient } from '../src/index.js';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const addressType = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,10}$/).filter((t) => t.toLowerCase() !== 'smtp');
const printable = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !CONTROL.test(s) && s === s.trim() && !/[<>]/.test(s));
const displayName = fc.option(fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !CONTROL.test(s) && s === s.trim()), { nil: undefined });
const smtpAddress = fc.emailAddress().filter((a) => a.length <= 254);

function build(type: string, address: string, name: string | undefined): Recipient | undefined {
  try {
    return toRecipient(type, address, name);
  } catch (error) {
    expect(XportError.is(error, 'XPORT_ADDRESS_INVALID')).toBe(true);
    return undefined;
  }
}

describe('address parser properties', () => {
  it('never throws anything but a coded error, and never yields CR, LF or NUL', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (input) => {
        try {
          const r = parseRecipient(input);
          expect(CONTROL.test(r.address)).toBe(false);
          expect(CONTROL.test(r.type)).toBe(false);
          if (r.name !== undefined) expect(CONTROL.test(r.name)).toBe(false);
        } catch (error) {
          expect(XportError.is(error, 'XPORT_ADDRESS_INVALID')).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips valid typed recipients through their text form', () => {
    fc.assert(
      fc.property(addressType, printable, displayName, (type, address, name) => {
        const recipient = build(type, address, name);
        if (recipient === undefined) return;
        expect(parseRecipient(formatRecipient(recipient))).toEqual(recipient);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts generated RFC e-mail addresses as bare smtp recipients', () => {
    fc.assert(
      fc.property(smtpAddress, displayName, (address, name) => {
        const recipient = build('smtp', address, name);
        if (recipient === undefined) return;
        expect(parseRecipient(formatRecipient(recipient))).toEqual(recipient);
        expect(parseRecipient(address)).toEqual({ type: 'smtp', address });
      }),
      { numRuns: 2000 },
    );
  });
});
