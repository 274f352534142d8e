import {
  MAX_HEADER_BLOCK_CHARS,
  MAX_HEADER_FIELDS,
  MAX_HEADER_VALUE_CHARS,
  MAX_RECIPIENTS,
  measureHeaders,
  XportError,
  parseRecipient,
  toRecipient,
  type DsnRequest,
  type MessageInput,
  type Recipient,
  type RecipientRole,
} from '@xport/provider-sdk';
import { toDsnRequest } from './validate-dsn.js';

export interface DraftRecipient {
  readonly recipient: Recipient;
  readonly role: RecipientRole;
}

/** A submitted message after validation, before hooks and routing. Content stays on the input. */
export interface MessageDraft {
  readonly from?: Recipient;
  readonly recipients: readonly DraftRecipient[];
  readonly subject?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly messageId?: string;
  readonly deliveryReport: boolean;
  readonly suppressNdr: boolean;
  readonly idempotencyKey?: string;
  readonly dsn?: DsnRequest;
}

// RFC 5322 §3.6.8: a field name is printable US-ASCII except the colon.
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]{1,998}$/;
// Unstructured field bodies may hold horizontal tab; every other C0/C1 control (CR, LF, NUL...) is refused.
// eslint-disable-next-line no-control-regex
const FIELD_VALUE_FORBIDDEN = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// The limits are the SDK's: hooks and the test kits build and check messages against the same ones.
export { MAX_RECIPIENTS };
const MAX_IDEMPOTENCY_KEY = 256;

function messageInvalid(message: string, details: Record<string, unknown>): XportError {
  return new XportError('XPORT_MESSAGE_INVALID', message, { details });
}

/** Throws `XPORT_MESSAGE_INVALID` naming the header when its name or value could break the header block. */
export function checkHeaderField(name: string, value: unknown): void {
  // Named in the error only: built when there is one (this runs for every header of every message).
  const shown = (): string => JSON.stringify(name.slice(0, 80));
  if (!FIELD_NAME.test(name)) {
    throw messageInvalid(`header ${shown()}: name must be printable US-ASCII without ":" or spaces (RFC 5322 field name)`, { header: name });
  }
  if (typeof value !== 'string') {
    throw messageInvalid(`header ${shown()}: value must be a string (got ${typeof value})`, { header: name });
  }
  if (FIELD_VALUE_FORBIDDEN.test(value)) {
    throw messageInvalid(`header ${shown()}: value contains CR, LF, NUL or another control character`, { header: name });
  }
  if (value.length > MAX_HEADER_VALUE_CHARS) {
    throw messageInvalid(`header ${shown()}: value is longer than ${MAX_HEADER_VALUE_CHARS} characters`, { header: name });
  }
}

/**
 * Bounds the extra headers of a submitted message: at most {@link MAX_HEADER_FIELDS} of them and
 * {@link MAX_HEADER_BLOCK_CHARS} characters together (the SDK's limits). Inbound messages are not
 * bounded here: the receiving transport applies the same limits while the message arrives (the SMTP
 * listener refuses it with a 5xx then), and refusing after it was accepted would lose received mail.
 */
export function checkHeaderBlock(headers: unknown): void {
  if (typeof headers !== 'object' || headers === null) return;
  const { fields, chars } = measureHeaders(headers as Record<string, unknown>);
  if (fields > MAX_HEADER_FIELDS) {
    throw messageInvalid(`headers: ${fields} extra headers, more than the ${MAX_HEADER_FIELDS} allowed`, { field: 'headers', count: fields });
  }
  if (chars > MAX_HEADER_BLOCK_CHARS) {
    throw messageInvalid(`headers: ${chars} characters together, more than the ${MAX_HEADER_BLOCK_CHARS} allowed`, { field: 'headers' });
  }
}

/** Checks a whole header record; returns a plain copy. */
export function checkHeaders(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    if (headers === undefined) return out;
    throw messageInvalid('headers must be an object of header names to string values', { field: 'headers' });
  }
  const names = Object.keys(headers);
  // Most messages carry no extra header or one: no set of names to build for them.
  const seen = names.length > 1 ? new Set<string>() : undefined;
  for (const name of names) {
    const value = headers[name];
    checkHeaderField(name, value);
    if (seen !== undefined) {
      const key = name.toLowerCase();
      if (seen.has(key)) throw messageInvalid(`header ${JSON.stringify(name)}: given twice (header names are case-insensitive)`, { header: name });
      seen.add(key);
    }
    // An own "__proto__" header stays a header (a plain assignment would try to set the prototype).
    if (name === '__proto__') Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
    else out[name] = value as string;
  }
  return out;
}

function checkIdempotencyKey(key: unknown): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY || CONTROL.test(key)) {
    throw messageInvalid(`idempotencyKey must be a string of 1 to ${MAX_IDEMPOTENCY_KEY} characters without control characters`, { field: 'idempotencyKey' });
  }
}

/** A recipient given as text or as an object, checked by the SDK; the error names the field. */
export function toDraftRecipient(value: Recipient | string, field: string): Recipient {
  try {
    if (typeof value === 'string') return parseRecipient(value);
    if (typeof value !== 'object' || value === null || typeof value.type !== 'string' || typeof value.address !== 'string') {
      throw new XportError('XPORT_ADDRESS_INVALID', 'expected { type, address, name? } or the text form TYPE:address');
    }
    return toRecipient(value.type, value.address, value.name);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new XportError('XPORT_ADDRESS_INVALID', `${field}: ${reason}`, { cause: err, details: { field } });
  }
}

/**
 * Validates what an application submitted: recipients (at least one), sender, subject, headers,
 * DSN parameters (`toDsnRequest`).
 * A delivery report needs a sender to go to, so `deliveryReport` without `from` is refused;
 * without `from`, non-delivery reports have nowhere to go and are dropped (like SMTP's null sender).
 *
 * @example
 * validateMessage({ from: 'loopback:me', to: ['loopback:you'], subject: 'hi', text: 'hello' })
 */
export function validateMessage(input: MessageInput): MessageDraft {
  if (typeof input !== 'object' || input === null) throw messageInvalid('message must be an object', {});
  const recipients: DraftRecipient[] = [];
  for (const role of ['to', 'cc', 'bcc'] as const) {
    const list = input[role];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw messageInvalid(`${role} must be an array of recipients`, { field: role });
    if (recipients.length + list.length > MAX_RECIPIENTS) {
      throw messageInvalid(`${role}: the message has more than the ${MAX_RECIPIENTS} recipients allowed (to, cc and bcc together)`, { field: role });
    }
    list.forEach((value: Recipient | string, i: number) => recipients.push({ recipient: toDraftRecipient(value, `${role}[${i}]`), role }));
  }
  if (recipients.length === 0) throw messageInvalid('message has no recipients (to, cc and bcc are all empty)', { field: 'to' });
  const from = input.from === undefined ? undefined : toDraftRecipient(input.from, 'from');
  if (input.deliveryReport === true && from === undefined) {
    throw messageInvalid('deliveryReport asks for a report to the sender, but the message has no from', { field: 'from' });
  }
  if (input.subject !== undefined) checkHeaderField('Subject', input.subject);
  if (input.messageId !== undefined) checkHeaderField('Message-ID', input.messageId);
  if (input.idempotencyKey !== undefined) checkIdempotencyKey(input.idempotencyKey);
  checkHeaderBlock(input.headers);
  // Built by assignment, not by spreading conditional objects: this runs once per message.
  const draft: { -readonly [K in keyof MessageDraft]: MessageDraft[K] } = {
    recipients,
    headers: checkHeaders(input.headers),
    deliveryReport: input.deliveryReport === true,
    suppressNdr: input.suppressNdr === true,
  };
  if (from) draft.from = from;
  if (input.subject !== undefined) draft.subject = input.subject;
  if (input.messageId !== undefined) draft.messageId = input.messageId;
  if (input.idempotencyKey !== undefined) draft.idempotencyKey = input.idempotencyKey;
  if (input.dsn !== undefined) draft.dsn = toDsnRequest(input.dsn);
  return draft;
}
