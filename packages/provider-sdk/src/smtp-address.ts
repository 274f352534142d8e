import { isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';

// RFC 5321 §4.1.2 Mailbox grammar, checked before an address can reach the wire.
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const DOT_STRING = new RegExp(`^${ATEXT}+(\\.${ATEXT}+)*$`);
const QUOTED_STRING = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$/;
// RFC 6531 §3.3 adds any non-ASCII character (UTF8-non-ascii) to atext and qtext. Controls,
// separators and format characters (bidi overrides, zero-width joiners) are still refused: they are
// no letter of anybody's name and only serve to make one address look like another.
const UTF8_TEXT = '[^\\p{ASCII}\\p{C}\\p{Z}]';
const DOT_STRING_UTF8 = new RegExp(`^(?:${ATEXT}|${UTF8_TEXT})+(?:\\.(?:${ATEXT}|${UTF8_TEXT})+)*$`, 'u');
const QUOTED_STRING_UTF8 = new RegExp(`^"(?:[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|${UTF8_TEXT}|\\\\[\\x20-\\x7e])*"$`, 'u');
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const IPV4 = /^\[(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\]$/;
const IPV6 = /^\[IPv6:([0-9A-Fa-f:.]{2,45})\]$/;
// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\u0000-\u007f]/;

/** Length in octets, as RFC 5321's limits count it (a non-ASCII character is 2–4 of them in UTF-8). */
function octets(text: string): number {
  return NON_ASCII.test(text) ? Buffer.byteLength(text, 'utf8') : text.length;
}

function checkLocalPart(local: string): string | undefined {
  if (octets(local) > 64) return 'SMTP local part is longer than 64 octets';
  if (DOT_STRING.test(local) || QUOTED_STRING.test(local)) return undefined;
  if (NON_ASCII.test(local) && (DOT_STRING_UTF8.test(local) || QUOTED_STRING_UTF8.test(local))) return undefined;
  return `SMTP local part "${local}" is neither a dot-atom nor a quoted string`;
}

function checkDomain(domain: string): string | undefined {
  if (domain.startsWith('[')) {
    const v6 = IPV6.exec(domain);
    if (!IPV4.test(domain) && !(v6 && isIPv6(v6[1] as string))) return `SMTP address literal "${domain}" is malformed`;
    return undefined;
  }
  // An internationalized domain (IDNA 2008 / UTS #46) is checked in the ASCII form DNS knows it by.
  const ascii = NON_ASCII.test(domain) ? domainToASCII(domain) : domain;
  if (ascii === '' || ascii.split('.').some((label) => !LABEL.test(label))) return `SMTP domain "${domain}" is not a valid host name`;
  return undefined;
}

/**
 * Returns why `address` is not an RFC 5321 mailbox, or undefined when it is one. Internationalized
 * addresses (RFC 6531) are mailboxes too: a local part may hold non-ASCII letters, and a domain may
 * be given in Unicode (`bücher.example`) or in its ASCII form (`xn--bcher-kva.example`).
 *
 * @example
 * checkSmtpAddress('ada@example.org')          // undefined
 * checkSmtpAddress('jürgen@bücher.example')    // undefined
 * checkSmtpAddress('ada@exa mple.org')         // 'SMTP domain "exa mple.org" is not a valid host name'
 */
export function checkSmtpAddress(address: string): string | undefined {
  if (address.length > 254 || octets(address) > 254) return 'SMTP address is longer than 254 octets';
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return 'SMTP address must be local-part@domain';
  return checkLocalPart(address.slice(0, at)) ?? checkDomain(address.slice(at + 1));
}

/**
 * The domain of an SMTP address as the envelope and DNS need it: ASCII (A-labels, "punycode") and
 * lower case. An address literal (`[192.0.2.1]`) is returned as it is.
 *
 * @example
 * toAsciiDomain('Bücher.Example') // 'xn--bcher-kva.example'
 * toAsciiDomain('Example.ORG')    // 'example.org'
 */
export function toAsciiDomain(domain: string): string {
  if (domain.startsWith('[')) return domain;
  if (!NON_ASCII.test(domain)) return domain.toLowerCase();
  return domainToASCII(domain) || domain.toLowerCase();
}

/**
 * True when the local part of an SMTP address holds a non-ASCII character: such an address can only
 * be sent over SMTP with the SMTPUTF8 extension (RFC 6531); a non-ASCII domain alone never needs it.
 *
 * @example
 * hasUtf8LocalPart('zoë@example.org')        // true
 * hasUtf8LocalPart('zoe@bücher.example')     // false
 */
export function hasUtf8LocalPart(address: string): boolean {
  // Asked for every address of every message sent: an ASCII address answers without a slice.
  if (!NON_ASCII.test(address)) return false;
  const at = address.lastIndexOf('@');
  return NON_ASCII.test(at < 0 ? address : address.slice(0, at));
}
