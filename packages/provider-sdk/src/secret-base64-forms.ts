// How a secret reads inside base64 a peer echoes: alone (a LOGIN step), or embedded at any offset
// in a longer blob (SASL PLAIN, XOAUTH2, HTTP Basic, or a framing nobody foresaw). Embedded, its
// digits depend on its offset modulo 3, so each of the three alignments has its own "core": the
// digits made of the secret's bits only. A core found in text is masked together with the digit on
// either side that shares bits with the secret, so no bit of it is left.

const STANDARD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Core digits an alignment needs before it is searched for: fewer would match innocent text (two
 * digits recur every 4,096 positions). Every alignment of a value of 3 bytes or more has them; a
 * shorter value is found in base64 only on its own or inside a logon payload the masker knows.
 */
export const MIN_CORE_DIGITS = 3;

/** One alignment of a value in base64: its core digits, and whether a shared digit sits before/after. */
export interface Base64Core {
  readonly digits: string;
  readonly sharedBefore: boolean;
  readonly sharedAfter: boolean;
}

/** The digits of `bytes` placed after `offset` other bytes whose bits are all the secret's own. */
function toCore(bytes: Uint8Array, offset: number, alphabet: string): Base64Core {
  const start = offset * 8;
  const end = start + bytes.length * 8;
  const first = Math.ceil(start / 6);
  const last = Math.floor(end / 6);
  let digits = '';
  for (let digit = first; digit < last; digit++) {
    let value = 0;
    for (let k = 0; k < 6; k++) {
      const at = digit * 6 + k - start;
      value = (value << 1) | (((bytes[at >> 3] as number) >> (7 - (at & 7))) & 1);
    }
    digits += alphabet[value];
  }
  return { digits, sharedBefore: start % 6 !== 0, sharedAfter: end % 6 !== 0 };
}

/**
 * The cores of `bytes` at each alignment that has at least {@link MIN_CORE_DIGITS} digits, in the
 * standard and the URL-safe alphabet.
 *
 * @example
 * toBase64Cores(Buffer.from('hunter2'))[0]?.digits // 'aHVudGVyM' (the next digit, 'g', holds its last bits too)
 */
export function toBase64Cores(bytes: Uint8Array): Base64Core[] {
  const cores = new Map<string, Base64Core>();
  for (let offset = 0; offset < 3; offset++) {
    for (const alphabet of [STANDARD, URL_SAFE]) {
      const core = toCore(bytes, offset, alphabet);
      if (core.digits.length >= MIN_CORE_DIGITS) cores.set(`${offset}:${core.digits}`, core);
    }
  }
  return [...cores.values()];
}

/**
 * `bytes` encoded on their own, as a peer may echo them: either alphabet, with or without padding.
 *
 * @example
 * toStandaloneBase64(Buffer.from('ab')) // ['YWI=', 'YWI']
 */
export function toStandaloneBase64(bytes: Uint8Array): string[] {
  const standard = Buffer.from(bytes).toString('base64');
  const urlSafe = Buffer.from(bytes).toString('base64url');
  return [...new Set([standard, standard.replace(/=+$/, ''), urlSafe])];
}

/** True for a character of either base64 alphabet (not padding). */
export function isBase64Digit(char: string | undefined): boolean {
  return char !== undefined && char.length === 1 && (STANDARD.includes(char) || char === '-' || char === '_');
}
