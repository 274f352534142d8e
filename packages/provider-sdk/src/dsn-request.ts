import { toMailboxKey, type Recipient } from './address.js';
import type { DsnTypedValue } from './delivery-status.js';

/** An event a sender can ask a delivery status notification for (RFC 3461 §4.1 NOTIFY). */
export type DsnNotifyEvent = 'success' | 'failure' | 'delay';

/** NOTIFY: `never` (no report at all), or the events to report. Absent means failures only. */
export type DsnNotify = 'never' | readonly DsnNotifyEvent[];

/** RET (RFC 3461 §4.3): a failure report returns the whole original (`full`) or its header (`hdrs`). */
export type DsnReturn = 'full' | 'hdrs';

/** What one recipient's sender asked: its NOTIFY and its ORCPT (the address as the sender first gave it). */
export interface RecipientDsnRequest {
  readonly recipient: Recipient;
  readonly notify?: DsnNotify;
  readonly originalRecipient?: DsnTypedValue;
}

/**
 * The DSN parameters of a message (RFC 3461), as the envelope keeps them: RET and ENVID for the
 * message, a NOTIFY for recipients not listed, and per recipient its own NOTIFY and ORCPT.
 */
export interface DsnRequest {
  readonly ret?: DsnReturn;
  /** ENVID, decoded from xtext. */
  readonly envelopeId?: string;
  readonly notify?: DsnNotify;
  readonly recipients?: readonly RecipientDsnRequest[];
}

/**
 * DSN parameters as an application gives them: RET, ENVID, a NOTIFY for every recipient, and per
 * recipient (by address) its own NOTIFY and ORCPT (`rfc822;bob@example.net`, not xtext-encoded, or
 * typed as `{ type, value }`). A stored {@link DsnRequest} is one: a message received with DSN
 * parameters can be passed on with `dsn: entry.envelope.dsn`.
 */
export interface DsnInput {
  readonly ret?: DsnReturn;
  readonly envelopeId?: string;
  readonly notify?: DsnNotify;
  readonly recipients?: ReadonlyArray<{ readonly recipient: Recipient | string; readonly notify?: DsnNotify; readonly originalRecipient?: string | DsnTypedValue }>;
}

/**
 * How a delivery left xport when it went to another mail system (RFC 3461 §5.2): `relayed`, to one
 * that does not take DSN requests — a success report then says `Action: relayed`; `passed-on`, to
 * one that took them — it reports from then on, so xport writes no success report of its own.
 */
export type DsnHandOff = 'relayed' | 'passed-on';

/** RFC 3461 §4.4: an ENVID is at most 100 characters. */
export const MAX_ENVELOPE_ID_LENGTH = 100;
/** RFC 3461 §4.2: an ORCPT is at most 500 characters. */
export const MAX_ORIGINAL_RECIPIENT_LENGTH = 500;

const EVENTS: ReadonlySet<string> = new Set<DsnNotifyEvent>(['success', 'failure', 'delay']);
const ADDRESS_TYPE = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

/**
 * A NOTIFY from its keywords (any case): `['NEVER']` alone, or distinct ones of SUCCESS, FAILURE and
 * DELAY. Returns why the list is refused as a string, RFC 3461 §4.1's rule in one place.
 *
 * @example
 * toDsnNotify(['SUCCESS', 'FAILURE']) // ['success', 'failure']
 * toDsnNotify(['NEVER', 'DELAY'])     // 'NEVER cannot be combined with other NOTIFY keywords'
 */
export function toDsnNotify(keywords: readonly string[]): DsnNotify | string {
  const lower = keywords.map((k) => k.toLowerCase());
  if (lower.length === 0) return 'NOTIFY needs NEVER or at least one of SUCCESS, FAILURE, DELAY';
  if (lower.includes('never')) return lower.length === 1 ? 'never' : 'NEVER cannot be combined with other NOTIFY keywords';
  const unknown = lower.find((k) => !EVENTS.has(k));
  if (unknown !== undefined) return `unknown NOTIFY keyword ${JSON.stringify(unknown.slice(0, 20))} (expected NEVER, SUCCESS, FAILURE or DELAY)`;
  if (new Set(lower).size !== lower.length) return 'a NOTIFY keyword is given twice';
  return lower as DsnNotifyEvent[];
}

/**
 * An ORCPT value, decoded: `addr-type ; address` (RFC 3461 §4.2). Returns why it is refused as a string.
 *
 * @example
 * toOriginalRecipient('rfc822;b@example.net') // { type: 'rfc822', value: 'b@example.net' }
 */
export function toOriginalRecipient(text: string): DsnTypedValue | string {
  if (text.length > MAX_ORIGINAL_RECIPIENT_LENGTH) return `ORCPT is longer than ${MAX_ORIGINAL_RECIPIENT_LENGTH} characters`;
  const semicolon = text.indexOf(';');
  const type = semicolon < 0 ? '' : text.slice(0, semicolon).trim();
  const value = semicolon < 0 ? '' : text.slice(semicolon + 1).trim();
  if (!ADDRESS_TYPE.test(type) || value === '') return 'ORCPT must be addr-type;address, as in rfc822;bob@example.net';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return 'ORCPT has a control character';
  return { type: type.toLowerCase(), value };
}

/** Why an ENVID (decoded) is refused, or undefined. */
export function checkEnvelopeId(envelopeId: string): string | undefined {
  if (envelopeId.length === 0 || envelopeId.length > MAX_ENVELOPE_ID_LENGTH) return `ENVID must be 1 to ${MAX_ENVELOPE_ID_LENGTH} characters`;
   
  if (/[^\u0020-\u007e]/.test(envelopeId)) return 'ENVID must be printable US-ASCII';
  return undefined;
}

/** What a recipient's sender asked for it: its own entry, else the message's NOTIFY. */
export function findRecipientDsn(dsn: DsnRequest | undefined, recipient: Recipient): { readonly notify?: DsnNotify; readonly originalRecipient?: DsnTypedValue } {
  if (dsn === undefined) return {};
  const key = dsn.recipients === undefined || dsn.recipients.length === 0 ? undefined : toMailboxKey(recipient);
  const own = key === undefined ? undefined : dsn.recipients!.find((r) => toMailboxKey(r.recipient) === key);
  const notify = own?.notify ?? dsn.notify;
  return { ...(notify === undefined ? {} : { notify }), ...(own?.originalRecipient === undefined ? {} : { originalRecipient: own.originalRecipient }) };
}

/**
 * Whether a report of `event` is asked for under a NOTIFY. Without one, RFC 3461 §4.1's default:
 * failures (and, as an MTA may, delays — xport sends none then, see docs/reports.md).
 *
 * @example
 * wantsReport(undefined, 'failure') // true
 * wantsReport('never', 'failure')   // false
 */
export function wantsReport(notify: DsnNotify | undefined, event: DsnNotifyEvent): boolean {
  if (notify === undefined) return event === 'failure';
  return notify !== 'never' && notify.includes(event);
}

/** NOTIFY as SMTP writes it: `NEVER` or `SUCCESS,FAILURE`. */
export function toSmtpNotify(notify: DsnNotify): string {
  return notify === 'never' ? 'NEVER' : notify.map((e) => e.toUpperCase()).join(',');
}
