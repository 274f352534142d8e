import type { Recipient } from './address.js';
import { toDsnDate, toDsnText, foldField, unfoldFields } from './dsn-text.js';
import { checkSmtpAddress, toAsciiDomain } from './smtp-address.js';

/** The media type of the machine-readable part of a delivery status notification (RFC 3464). */
export const DELIVERY_STATUS_TYPE = 'message/delivery-status';

/** RFC 3464 §2.3.3: what happened to one recipient. */
export type DsnAction = 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded';

const ACTIONS: ReadonlySet<string> = new Set<DsnAction>(['failed', 'delayed', 'delivered', 'relayed', 'expanded']);

/** A typed value of a DSN field: `rfc822; ada@example.org` is `{ type: 'rfc822', value: 'ada@example.org' }`. */
export interface DsnTypedValue {
  /** The address, MTA-name or diagnostic type (`rfc822`, `dns`, `smtp`, ...), lowercase. */
  readonly type: string;
  readonly value: string;
}

/** The per-recipient fields of a DSN (RFC 3464 §2.3). */
export interface DeliveryStatusRecipient {
  readonly finalRecipient: DsnTypedValue;
  /** The address the sender gave (`ORCPT`), when known. */
  readonly originalRecipient?: DsnTypedValue;
  readonly action: DsnAction;
  /** RFC 3463 enhanced status code, `5.1.1`. */
  readonly status: string;
  readonly remoteMta?: DsnTypedValue;
  readonly diagnosticCode?: DsnTypedValue;
  /** Epoch ms. */
  readonly lastAttemptDate?: number;
  /** Epoch ms; for `delayed`. */
  readonly willRetryUntil?: number;
}

/** A `message/delivery-status` body: the per-message fields and one block per recipient (RFC 3464 §2.2). */
export interface DeliveryStatus {
  /** The MTA that wrote the report, as a name (`dns; <name>` on the wire). */
  readonly reportingMta: DsnTypedValue;
  /** The `ENVID` the message was submitted with (RFC 3461), when there was one. */
  readonly originalEnvelopeId?: string;
  /** When the reporting MTA received the message, epoch ms. */
  readonly arrivalDate?: number;
  readonly recipients: readonly DeliveryStatusRecipient[];
}

// A hostile report is bounded: past these it is cut (parsing) — a report this large is no report.
const MAX_PARSED_CHARS = 256 * 1024;
const MAX_PARSED_RECIPIENTS = 1000;
const STATUS = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/;

function typed(field: string, value: DsnTypedValue): string {
  return foldField(field, `${toDsnText(value.type)}; ${toDsnText(value.value)}`);
}

/**
 * The body of a `message/delivery-status` part: per-message fields, a blank line, then one block
 * per recipient, every line ending in CRLF and folded under 78 characters where it has spaces. Only
 * US-ASCII is written (the part travels as 7bit): other characters become `\x{HEX}` (RFC 6533).
 *
 * @example
 * toDeliveryStatusText({
 *   reportingMta: { type: 'dns', value: 'mx.example.org' },
 *   recipients: [{ finalRecipient: { type: 'rfc822', value: 'bob@example.net' }, action: 'failed', status: '5.1.1' }],
 * })
 * // 'Reporting-MTA: dns; mx.example.org\r\n\r\nFinal-Recipient: rfc822; bob@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\n'
 */
export function toDeliveryStatusText(report: DeliveryStatus): string {
  const head = [typed('Reporting-MTA', report.reportingMta)];
  if (report.originalEnvelopeId !== undefined) head.push(foldField('Original-Envelope-Id', toDsnText(report.originalEnvelopeId)));
  if (report.arrivalDate !== undefined) head.push(`Arrival-Date: ${toDsnDate(report.arrivalDate)}`);
  const blocks = [head];
  for (const r of report.recipients) {
    const block: string[] = [];
    if (r.originalRecipient) block.push(typed('Original-Recipient', r.originalRecipient));
    block.push(typed('Final-Recipient', r.finalRecipient), `Action: ${r.action}`, `Status: ${r.status}`);
    if (r.remoteMta) block.push(typed('Remote-MTA', r.remoteMta));
    if (r.diagnosticCode) block.push(typed('Diagnostic-Code', r.diagnosticCode));
    if (r.lastAttemptDate !== undefined) block.push(`Last-Attempt-Date: ${toDsnDate(r.lastAttemptDate)}`);
    if (r.willRetryUntil !== undefined) block.push(`Will-Retry-Until: ${toDsnDate(r.willRetryUntil)}`);
    blocks.push(block);
  }
  return blocks.map((lines) => lines.map((line) => `${line}\r\n`).join('')).join('\r\n');
}

function toTyped(value: string | undefined): DsnTypedValue | undefined {
  if (value === undefined) return undefined;
  const semicolon = value.indexOf(';');
  if (semicolon < 0) return { type: 'unknown', value: value.trim() };
  const text = value.slice(semicolon + 1).trim();
  // An address in angle brackets is still the address.
  return { type: value.slice(0, semicolon).trim().toLowerCase(), value: /^<[^<>]*>$/.test(text) ? text.slice(1, -1) : text };
}

function toDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const at = Date.parse(value.replace(/\s*\([^)]*\)\s*$/, ''));
  return Number.isNaN(at) ? undefined : at;
}

function toRecipientBlock(fields: ReadonlyMap<string, string>): DeliveryStatusRecipient | undefined {
  const finalRecipient = toTyped(fields.get('final-recipient') ?? fields.get('original-recipient'));
  const action = fields.get('action')?.split(/[\s(]/)[0]?.toLowerCase();
  const status = STATUS.exec(fields.get('status') ?? '');
  if (finalRecipient === undefined || finalRecipient.value === '' || action === undefined || !ACTIONS.has(action) || status === null) return undefined;
  const out: { -readonly [K in keyof DeliveryStatusRecipient]: DeliveryStatusRecipient[K] } = {
    finalRecipient,
    action: action as DsnAction,
    status: `${status[1]}.${Number(status[2])}.${Number(status[3])}`,
  };
  const original = toTyped(fields.get('original-recipient'));
  if (original !== undefined && fields.has('final-recipient')) out.originalRecipient = original;
  const remoteMta = toTyped(fields.get('remote-mta'));
  if (remoteMta !== undefined) out.remoteMta = remoteMta;
  const diagnostic = toTyped(fields.get('diagnostic-code'));
  if (diagnostic !== undefined) out.diagnosticCode = diagnostic;
  const lastAttemptDate = toDate(fields.get('last-attempt-date'));
  if (lastAttemptDate !== undefined) out.lastAttemptDate = lastAttemptDate;
  const willRetryUntil = toDate(fields.get('will-retry-until'));
  if (willRetryUntil !== undefined) out.willRetryUntil = willRetryUntil;
  return out;
}

/**
 * Reads a `message/delivery-status` body as RFC 3464 defines it, leniently (LF or CRLF, folded
 * lines, field names in any case, comments after a status). Recipient blocks without a recipient,
 * a known action or a status code are skipped; undefined when no recipient block is left (it is
 * not a delivery status). Bounded: at most 256 KiB and 1000 recipients are read.
 *
 * @example
 * parseDeliveryStatus('Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; bob@example.net\nAction: failed\nStatus: 5.1.1\n')
 *   ?.recipients[0]?.status // '5.1.1'
 */
export function parseDeliveryStatus(text: string): DeliveryStatus | undefined {
  const blocks = unfoldFields(text.length > MAX_PARSED_CHARS ? text.slice(0, MAX_PARSED_CHARS) : text);
  const head = blocks[0];
  if (head === undefined) return undefined;
  const recipients: DeliveryStatusRecipient[] = [];
  for (const block of blocks.slice(1, MAX_PARSED_RECIPIENTS + 1)) {
    const recipient = toRecipientBlock(block);
    if (recipient !== undefined) recipients.push(recipient);
  }
  if (recipients.length === 0) return undefined;
  const report: { -readonly [K in keyof DeliveryStatus]: DeliveryStatus[K] } = {
    reportingMta: toTyped(head.get('reporting-mta')) ?? { type: 'unknown', value: '' },
    recipients,
  };
  const envelopeId = head.get('original-envelope-id')?.trim();
  if (envelopeId) report.originalEnvelopeId = envelopeId;
  const arrivalDate = toDate(head.get('arrival-date'));
  if (arrivalDate !== undefined) report.arrivalDate = arrivalDate;
  return report;
}

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\u0000-\u007f]/;
const SMTP_REPLY = /^[245]\d\d[ -]/;

/**
 * The typed address a DSN names a recipient by: an `smtp` address is `rfc822` (its domain in ASCII),
 * or `utf-8` when its local part is not ASCII (RFC 6533); another address type `x-<type>`.
 *
 * @example
 * toDsnAddress({ type: 'smtp', address: 'bob@bücher.example' }) // { type: 'rfc822', value: 'bob@xn--bcher-kva.example' }
 * toDsnAddress({ type: 'loopback', address: 'desk' })           // { type: 'x-loopback', value: 'desk' }
 */
export function toDsnAddress(recipient: Recipient): DsnTypedValue {
  if (recipient.type !== 'smtp') return { type: `x-${recipient.type.toLowerCase()}`, value: recipient.address };
  const at = recipient.address.lastIndexOf('@');
  const local = recipient.address.slice(0, at);
  const value = `${local}@${toAsciiDomain(recipient.address.slice(at + 1))}`;
  return { type: NON_ASCII.test(local) ? 'utf-8' : 'rfc822', value };
}

/**
 * The recipient a DSN's typed address names, when xport can address it: `rfc822` and `utf-8` are
 * `smtp`, `x-<type>` is that address type; undefined otherwise.
 *
 * @example
 * fromDsnAddress({ type: 'rfc822', value: 'bob@example.net' }) // { type: 'smtp', address: 'bob@example.net' }
 */
export function fromDsnAddress(value: DsnTypedValue): Recipient | undefined {
  const address = value.type === 'utf-8' ? value.value.replace(/\\x\{([0-9A-Fa-f]{1,6})\}/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16))) : value.value;
  if (value.type === 'rfc822' || value.type === 'utf-8') return checkSmtpAddress(address) === undefined ? { type: 'smtp', address } : undefined;
  const type = /^x-([A-Za-z0-9][A-Za-z0-9._-]{0,63})$/.exec(value.type)?.[1];
  return type === undefined || address === '' ? undefined : { type: type.toLowerCase(), address };
}

/**
 * The `Diagnostic-Code` of a recipient's diagnostic: `smtp` when it is an SMTP reply (`550 5.1.1 ...`),
 * which is what xport's SMTP transport reports; `x-xport` for any other transport's text.
 *
 * @example
 * toDsnDiagnostic('550 5.1.1 <bob@example.net>: Recipient address rejected') // { type: 'smtp', value: '550 5.1.1 <bob@...' }
 */
export function toDsnDiagnostic(diagnostic: string): DsnTypedValue {
  return { type: SMTP_REPLY.test(diagnostic) ? 'smtp' : 'x-xport', value: diagnostic };
}
