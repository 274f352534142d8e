import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Recipient } from '@xport/provider-sdk';
import type { ReportOptions } from './report-options.js';

/**
 * The owner the kernel's report credentials are read under: `XPORT_REPORTS__VERP_KEY` in the
 * environment, `{ "reports": { "verpKey": "…" } }` in the credentials file. A provider given this id would read them too: do not.
 */
export const REPORTS_CREDENTIAL_OWNER = 'reports';

/** The kernel's report credentials. */
export const REPORTS_CREDENTIALS = {
  verpKey: { required: false, description: 'The HMAC key of VERP tokens (reports.verp): at least 32 random characters.' },
} as const;

/** Where a VERP token points: one recipient of one message xport sent. */
export interface VerpTarget {
  readonly messageId: string;
  readonly recipientIndex: number;
}

/**
 * Writes and reads VERP return paths (`reports.verp`): `<local>+<token>@<domain>` (an RFC 5233
 * sub-address), one per recipient, whose token is `<message id>.<recipient index>.<mac>`. The mac is
 * an HMAC-SHA256 of the message id and index under the `reports.verpKey` credential, cut to 65 bits
 * (13 base32 characters): only xport can make a token, so a stranger cannot forge a bounce that
 * fails someone's delivered mail, and nothing is stored per recipient.
 */
export interface VerpCodec {
  /** The return path of this recipient; undefined when the message id cannot go in an address. */
  returnPathOf(messageId: string, recipientIndex: number): Recipient | undefined;
  /** The recipient a token names, when its mac is right; undefined for anything else (a forgery, a mangled token). */
  read(token: string): VerpTarget | undefined;
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const MAC_CHARS = 13;
// Characters a message id may have to go into a dot-atom local part unchanged (every store's ids do).
const ATOM_ID = /^[A-Za-z0-9_-]+$/;
// RFC 5321 §4.5.3.1.1: a local part is at most 64 octets.
const MAX_LOCAL = 64;

function toBase32(bytes: Buffer, chars: number): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length === chars) break;
    value &= (1 << bits) - 1;
  }
  return out;
}

/**
 * The codec for a VERP base and key. Undefined without either: no return path is written, and a
 * token that comes back is not trusted.
 *
 * @example
 * const verp = createVerpCodec({ local: 'bounces', domain: 'example.org' }, key);
 * verp?.returnPathOf('0197f0c2-7a3e-7000-8000-123456789abc', 0)?.address // 'bounces+0197f0c2-….0.k3j5h2m4q8r7t@example.org'
 */
export function createVerpCodec(base: ReportOptions['verp'], key: string | undefined): VerpCodec | undefined {
  if (base === undefined || key === undefined || key === '') return undefined;
  const macOf = (messageId: string, index: number): string => toBase32(createHmac('sha256', key).update(`xport.verp\n${messageId}\n${index}`).digest(), MAC_CHARS);
  return {
    returnPathOf(messageId, recipientIndex) {
      if (!ATOM_ID.test(messageId)) return undefined;
      const local = `${base.local}+${messageId}.${recipientIndex.toString(36)}.${macOf(messageId, recipientIndex)}`;
      return local.length > MAX_LOCAL ? undefined : { type: 'smtp', address: `${local}@${base.domain}` };
    },
    read(token) {
      const parts = token.split('.');
      if (parts.length !== 3) return undefined;
      const [messageId, index, mac] = parts as [string, string, string];
      if (!ATOM_ID.test(messageId) || !/^[0-9a-z]{1,6}$/.test(index) || mac.length !== MAC_CHARS) return undefined;
      const recipientIndex = parseInt(index, 36);
      // A relay may fold the case of a local part: the mac is compared in lower case.
      const expected = Buffer.from(macOf(messageId, recipientIndex));
      const given = Buffer.from(mac.toLowerCase());
      return given.length === expected.length && timingSafeEqual(given, expected) ? { messageId, recipientIndex } : undefined;
    },
  };
}
