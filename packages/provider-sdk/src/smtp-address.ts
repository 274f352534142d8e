import { isIPv6 } from 'node:net';

// RFC 5321 §4.1.2 Mailbox grammar, checked before an address can reach the wire.
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const DOT_STRING = new RegExp(`^${ATEXT}+(\\.${ATEXT}+)*$`);
const QUOTED_STRING = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const IPV4 = /^\[(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\]$/;
const IPV6 = /^\[IPv6:([0-9A-Fa-f:.]{2,45})\]$/;

/** Returns why `address` is not an RFC 5321 mailbox, or undefined when it is one. */
export function checkSmtpAddress(address: string): string | undefined {
  if (address.length > 254) return 'SMTP address is longer than 254 characters';
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return 'SMTP address must be local-part@domain';
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > 64) return 'SMTP local part is longer than 64 characters';
  if (!DOT_STRING.test(local) && !QUOTED_STRING.test(local)) return `SMTP local part "${local}" is neither a dot-atom nor a quoted string`;
  if (domain.startsWith('[')) {
    const v6 = IPV6.exec(domain);
    if (!IPV4.test(domain) && !(v6 && isIPv6(v6[1] as string))) return `SMTP address literal "${domain}" is malformed`;
    return undefined;
  }
  const labels = domain.split('.');
  if (labels.some((label) => !LABEL.test(label))) return `SMTP domain "${domain}" is not a valid host name`;
  return undefined;
}
