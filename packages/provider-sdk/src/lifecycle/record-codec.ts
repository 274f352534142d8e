import type { Recipient } from '../address.js';
import { XportError } from '../errors.js';
import type { MessageEnvelope, PartInfo, RecipientRole } from '../message.js';
import type { RecipientError, RecipientState } from '../store.js';
import { isRecipientState } from './recipient-states.js';

// The one judgement of a stored record: what every store requires of it before it serves it. A
// record that fails is undecodable (XPORT_STORE_CORRUPT_RECORD): the store quarantines it.

/**
 * `XPORT_STORE_CORRUPT_RECORD` for a stored field that does not decode; `field` names it.
 *
 * @example
 * throw undecodableRecordError('envelope', 'does not have the expected shape');
 */
export function undecodableRecordError(field: string, why: string): XportError {
  return new XportError('XPORT_STORE_CORRUPT_RECORD', `${field} ${why}`, { details: { field } });
}

/**
 * True for the error a decoder throws for an undecodable record (the store then quarantines the record).
 *
 * @example
 * try { decodeEnvelopeRecord(row.envelope); } catch (error) { if (!isUndecodableRecord(error)) throw error; quarantine(row.id); }
 */
export function isUndecodableRecord(error: unknown): error is XportError {
  return XportError.is(error, 'XPORT_STORE_CORRUPT_RECORD');
}

/**
 * A stored JSON field: its text (a store keeping JSON as text) or its parsed value (a store with a
 * JSON type). No field a store keeps as JSON is ever a string, so a string is parsed.
 */
function readJson(stored: unknown, field: string): unknown {
  if (typeof stored !== 'string') return stored;
  try {
    return JSON.parse(stored);
  } catch (error) {
    throw undecodableRecordError(field, `is not valid JSON (${(error as Error).message})`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function decoded<T>(stored: unknown, field: string, ok: (value: unknown) => boolean): T {
  const value = readJson(stored, field);
  if (!ok(value)) throw undecodableRecordError(field, 'does not have the expected shape');
  return value as T;
}

const isRecipient = (v: unknown): boolean => isObject(v) && typeof v.type === 'string' && typeof v.address === 'string';
const isPart = (v: unknown): boolean => isObject(v) && typeof v.partId === 'string' && typeof v.size === 'number';

/**
 * A stored envelope: an object with a string `kind` and a `headers` object.
 *
 * @example
 * const envelope = decodeEnvelopeRecord(row.envelope); // JSON text or parsed JSON
 */
export function decodeEnvelopeRecord(stored: unknown): MessageEnvelope {
  return decoded(stored, 'envelope', (e) => isObject(e) && typeof e.kind === 'string' && isObject(e.headers));
}

/**
 * Stored part descriptions: an array of objects, each with a string `partId` and a number `size`.
 *
 * @example
 * const parts = decodePartsRecord(row.parts);
 */
export function decodePartsRecord(stored: unknown): PartInfo[] {
  return decoded(stored, 'parts', (p) => Array.isArray(p) && p.every(isPart));
}

/**
 * A stored recipient address: an object with string `type` and `address`.
 *
 * @example
 * const recipient = decodeRecipientRecord(row.recipient);
 */
export function decodeRecipientRecord(stored: unknown): Recipient {
  return decoded(stored, 'recipient', isRecipient);
}

/**
 * A stored recipient diagnostic: an object with string `code` and `diagnostic`.
 *
 * @example
 * const lastError = row.last_error === null ? undefined : decodeRecipientErrorRecord(row.last_error);
 */
export function decodeRecipientErrorRecord(stored: unknown): RecipientError {
  return decoded(stored, 'last_error', (e) => isObject(e) && typeof e.code === 'string' && typeof e.diagnostic === 'string');
}

/**
 * A stored recipient state: one of the recipient states.
 *
 * @example
 * const state = decodeRecipientStateRecord(row.state);
 */
export function decodeRecipientStateRecord(stored: unknown): RecipientState {
  if (!isRecipientState(stored)) throw undecodableRecordError('state', `is not a recipient state (${String(stored)})`);
  return stored;
}

/**
 * A stored recipient role: `to`, `cc` or `bcc`.
 *
 * @example
 * const role = decodeRecipientRoleRecord(row.role);
 */
export function decodeRecipientRoleRecord(stored: unknown): RecipientRole {
  if (stored !== 'to' && stored !== 'cc' && stored !== 'bcc') throw undecodableRecordError('role', `is not a recipient role (${String(stored)})`);
  return stored;
}

/**
 * The stored form of an envelope: the contract's fields only, so what a store writes is what it reads.
 *
 * @example
 * insert.run(JSON.stringify(encodeEnvelopeRecord(request.envelope)));
 */
export function encodeEnvelopeRecord(envelope: MessageEnvelope): MessageEnvelope {
  const out: { -readonly [K in keyof MessageEnvelope]: MessageEnvelope[K] } = {
    headers: envelope.headers,
    kind: envelope.kind,
    deliveryReport: envelope.deliveryReport,
    suppressNdr: envelope.suppressNdr,
  };
  if (envelope.from !== undefined) out.from = envelope.from;
  if (envelope.subject !== undefined) out.subject = envelope.subject;
  if (envelope.messageId !== undefined) out.messageId = envelope.messageId;
  if (envelope.reportFor !== undefined) out.reportFor = envelope.reportFor;
  if (envelope.dsn !== undefined) out.dsn = envelope.dsn;
  return out;
}
