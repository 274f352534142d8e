import { XportError } from './errors.js';
import { checkSmtpAddress, toAsciiDomain } from './smtp-address.js';

/** One recipient (or sender): an address type — the routing key — and an address in that type's syntax. */
export interface Recipient {
  /** Address type, lowercase (`smtp`, `loopback`, `fax`). Compare with {@link sameAddressType}. */
  readonly type: string;
  readonly address: string;
  /** Display name, when the text form had one. */
  readonly name?: string;
}

export const ADDRESS_TYPE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const MAX_ADDRESS_LENGTH = 2048;
export const MAX_DISPLAY_NAME_LENGTH = 256;
// C0 controls, DEL and C1 controls never belong in an address or a display name.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function invalid(input: string, why: string): XportError {
  const shown = JSON.stringify(input.length > 80 ? `${input.slice(0, 80)}…` : input);
  return new XportError('XPORT_ADDRESS_INVALID', `recipient ${shown}: ${why}`, { details: { input: input.slice(0, 200), reason: why } });
}

/**
 * Lowercases an address type after checking its syntax. Address types compare case-insensitively.
 *
 * @example
 * normalizeAddressType('SMTP') // 'smtp'
 */
export function normalizeAddressType(type: string, input: string = type): string {
  const problem = addressTypeProblem(type);
  if (problem !== undefined) throw invalid(input, problem);
  return type.toLowerCase();
}

function addressTypeProblem(type: string): string | undefined {
  return ADDRESS_TYPE_PATTERN.test(type) ? undefined : `address type ${JSON.stringify(type.slice(0, 80))} must match ${ADDRESS_TYPE_PATTERN.source}`;
}

/**
 * True when two address types are the same type (case-insensitive).
 *
 * @example
 * sameAddressType('SMTP', 'smtp') // true
 */
export function sameAddressType(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function parseDisplayName(raw: string, input: string): string | undefined {
  let name = raw.trim();
  if (name === '') return undefined;
  if (name.startsWith('"')) {
    if (!name.endsWith('"') || name.length < 2) throw invalid(input, 'display name has an unterminated quote');
    name = name.slice(1, -1).replace(/\\(.)/g, '$1');
  } else if (/[<>]/.test(name)) {
    throw invalid(input, 'nested angle brackets are not allowed');
  } else if (name.includes('"')) {
    throw invalid(input, 'display name contains " and is not quoted');
  }
  if (name.length > MAX_DISPLAY_NAME_LENGTH) throw invalid(input, `display name is longer than ${MAX_DISPLAY_NAME_LENGTH} characters`);
  return name === '' ? undefined : name;
}

/**
 * RFC 5322 group syntax — `Team: a@x.org, b@y.org;`, `undisclosed-recipients:;`, groups inside
 * groups — names several recipients (or none) in one string. A recipient here is exactly one
 * address, so a group is refused with a message that says so instead of being misread as a
 * `TYPE:address` whose "address" is a list. X.400-style addresses also end with ";" but hold no "@".
 */
const GROUP_REFUSED = 'RFC 5322 group syntax ("name: address, ...;") is not accepted; give each recipient as its own entry';

function isGroupSyntax(text: string): boolean {
  if (!text.endsWith(';')) return false;
  const colon = text.indexOf(':');
  if (colon < 0) return false;
  const body = text.slice(colon + 1, -1).trim();
  return body === '' || body.includes('@') || body.endsWith(';');
}

/** True when `text` has a "," outside double quotes: a list of addresses, not one. */
function hasUnquotedComma(text: string): boolean {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) return true;
  }
  return false;
}

function splitTyped(spec: string): { type: string; address: string } | undefined {
  const colon = spec.indexOf(':');
  if (colon <= 0) return undefined;
  const prefix = spec.slice(0, colon);
  // "a:b"@x is a quoted SMTP local part, not a type prefix.
  if (prefix.includes('@') || prefix.includes('"')) return undefined;
  return { type: prefix, address: spec.slice(colon + 1) };
}

/**
 * Builds a checked recipient from its parts: the type is normalized, the address checked for its type.
 *
 * @example
 * toRecipient('SMTP', 'ada@example.org', 'Ada') // { type: 'smtp', address: 'ada@example.org', name: 'Ada' }
 */
export function toRecipient(type: string, address: string, name?: string): Recipient {
  // The text form is named in errors only: built when there is one (this runs for every recipient of every message).
  const fail = (why: string): XportError => invalid(`${type}:${address}`, why);
  const typeProblem = addressTypeProblem(type);
  if (typeProblem !== undefined) throw fail(typeProblem);
  const normalized = type.toLowerCase();
  if (address.length === 0) throw fail('address is empty');
  if (address.length > MAX_ADDRESS_LENGTH) throw fail(`address is longer than ${MAX_ADDRESS_LENGTH} characters`);
  if (CONTROL.test(address)) throw fail('address contains a control character (CR, LF, NUL, ...)');
  if (address !== address.trim()) throw fail('address has leading or trailing white space');
  // A type never holds ":" (ADDRESS_TYPE_PATTERN), so the group syntax of "type:address" lies in the address.
  if (address.endsWith(';') && isGroupSyntax(`${type}:${address}`)) throw fail(GROUP_REFUSED);
  if (normalized === 'smtp') {
    if (hasUnquotedComma(address)) throw fail('holds several addresses separated by ","; give each recipient as its own entry');
    const problem = checkSmtpAddress(address);
    if (problem) throw fail(problem);
  }
  if (name !== undefined) {
    if (CONTROL.test(name)) throw fail('display name contains a control character');
    if (name.length > MAX_DISPLAY_NAME_LENGTH) throw fail(`display name is longer than ${MAX_DISPLAY_NAME_LENGTH} characters`);
  }
  return name === undefined || name === '' ? { type: normalized, address } : { type: normalized, address, name };
}

/**
 * Parses the text form of a recipient: `TYPE:address`, `Display Name <TYPE:address>`, or a bare
 * e-mail address (type `smtp`), with or without a display name.
 *
 * @example
 * parseRecipient('Fax Desk <FAX:+33 1 23 45 67 89>') // { type: 'fax', address: '+33 1 23 45 67 89', name: 'Fax Desk' }
 * parseRecipient('ada@example.org')                  // { type: 'smtp', address: 'ada@example.org' }
 */
export function parseRecipient(input: string): Recipient {
  if (typeof input !== 'string') throw invalid(String(input), 'recipient must be a string');
  if (input.length > MAX_ADDRESS_LENGTH + MAX_DISPLAY_NAME_LENGTH + 8) throw invalid(input, 'recipient text is too long');
  if (CONTROL.test(input)) throw invalid(input, 'recipient contains a control character (CR, LF, NUL, ...)');
  const text = input.trim();
  if (text === '') throw invalid(input, 'recipient is empty');
  if (isGroupSyntax(text)) throw invalid(input, GROUP_REFUSED);

  let name: string | undefined;
  let spec = text;
  if (text.endsWith('>')) {
    const open = text.lastIndexOf('<');
    if (open < 0) throw invalid(input, 'has ">" without a matching "<"');
    name = parseDisplayName(text.slice(0, open), input);
    spec = text.slice(open + 1, -1).trim();
    if (spec.includes('<') || spec.includes('>')) throw invalid(input, 'nested angle brackets are not allowed');
  } else if (text.includes('<') || text.includes('>')) {
    throw invalid(input, 'angle brackets must enclose the whole address at the end: Name <TYPE:address>');
  }
  if (spec === '') throw invalid(input, 'address is empty');
  if (spec.startsWith(':')) throw invalid(input, 'address type is empty (expected TYPE:address)');

  const typed = splitTyped(spec);
  if (typed) return toRecipient(typed.type, typed.address, name);
  if (spec.includes('@')) {
    if (hasUnquotedComma(spec)) throw invalid(input, 'holds several addresses separated by ","; give each recipient as its own entry');
    return toRecipient('smtp', spec, name);
  }
  throw invalid(input, 'expected TYPE:address or an e-mail address');
}

function quoteName(name: string): string {
  return /^[\p{L}\p{N} ._'-]+$/u.test(name) && name === name.trim() ? name : `"${name.replace(/(["\\])/g, '\\$1')}"`;
}

/**
 * The text form of a recipient; {@link parseRecipient} reads it back to an equal recipient.
 *
 * @example
 * formatRecipient({ type: 'smtp', address: 'ada@example.org', name: 'Ada' }) // 'Ada <smtp:ada@example.org>'
 */
export function formatRecipient(recipient: Recipient): string {
  const spec = `${recipient.type}:${recipient.address}`;
  return recipient.name ? `${quoteName(recipient.name)} <${spec}>` : spec;
}

/**
 * A stable key for one address, used as a mailbox name: the type lowercased and, for SMTP, the domain
 * in its lower-case ASCII form, so `zoë@Bücher.example` and `zoë@xn--bcher-kva.example` are one
 * mailbox. Local parts are kept as they are (RFC 5321 leaves their case to the mailbox's owner).
 *
 * @example
 * toMailboxKey({ type: 'smtp', address: 'Ada@Example.ORG' })     // 'smtp:Ada@example.org'
 * toMailboxKey({ type: 'smtp', address: 'zoë@bücher.example' })  // 'smtp:zoë@xn--bcher-kva.example'
 */
export function toMailboxKey(recipient: Recipient): string {
  if (recipient.type === 'smtp') {
    const at = recipient.address.lastIndexOf('@');
    return `smtp:${recipient.address.slice(0, at)}@${toAsciiDomain(recipient.address.slice(at + 1))}`;
  }
  return `${recipient.type.toLowerCase()}:${recipient.address}`;
}
