import {
  MAX_RECIPIENTS,
  XportError,
  checkEnvelopeId,
  toDsnNotify,
  toOriginalRecipient,
  type DsnInput,
  type DsnNotify,
  type DsnRequest,
  type RecipientDsnRequest,
} from '@xport/provider-sdk';
import { toDraftRecipient } from './validate-message.js';

function invalid(field: string, why: string): XportError {
  return new XportError('XPORT_MESSAGE_INVALID', `${field}: ${why}`, { details: { field } });
}

function toNotify(value: unknown, field: string): DsnNotify {
  const keywords = value === 'never' ? ['never'] : value;
  if (!Array.isArray(keywords) || keywords.some((k) => typeof k !== 'string')) throw invalid(field, 'must be "never" or a list of "success", "failure", "delay"');
  const notify = toDsnNotify(keywords as string[]);
  if (typeof notify === 'string' && notify !== 'never') throw invalid(field, notify);
  return notify;
}

function toRecipientRequest(value: unknown, field: string): RecipientDsnRequest {
  if (typeof value !== 'object' || value === null) throw invalid(field, 'must be an object { recipient, notify?, originalRecipient? }');
  const entry = value as Record<string, unknown>;
  const out: { -readonly [K in keyof RecipientDsnRequest]: RecipientDsnRequest[K] } = { recipient: toDraftRecipient(entry.recipient as string, `${field}.recipient`) };
  if (entry.notify !== undefined) out.notify = toNotify(entry.notify, `${field}.notify`);
  if (entry.originalRecipient !== undefined) {
    const given = entry.originalRecipient as { type?: unknown; value?: unknown } | string;
    // The stored form, { type, value }, is read as its text.
    const text = typeof given === 'object' && given !== null && typeof given.type === 'string' && typeof given.value === 'string' ? `${given.type};${given.value}` : given;
    const original = typeof text === 'string' ? toOriginalRecipient(text) : 'must be a string, addr-type;address';
    if (typeof original === 'string') throw invalid(`${field}.originalRecipient`, original);
    out.originalRecipient = original;
  }
  return out;
}

/**
 * Validates the DSN parameters of a submitted or received message (RFC 3461): `ret` `full` or
 * `hdrs`, `envelopeId` printable ASCII of at most 100 characters, `notify` `"never"` or distinct
 * events, per recipient a recipient, its NOTIFY and its ORCPT (`type;address`). Throws
 * `XPORT_MESSAGE_INVALID` naming the field.
 *
 * @example
 * toDsnRequest({ notify: ['success', 'failure'], envelopeId: 'abc' }) // { envelopeId: 'abc', notify: ['success', 'failure'] }
 */
export function toDsnRequest(input: DsnInput, field = 'dsn'): DsnRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid(field, 'must be an object { ret?, envelopeId?, notify?, recipients? }');
  const out: { -readonly [K in keyof DsnRequest]: DsnRequest[K] } = {};
  if (input.ret !== undefined) {
    if (input.ret !== 'full' && input.ret !== 'hdrs') throw invalid(`${field}.ret`, 'must be "full" or "hdrs"');
    out.ret = input.ret;
  }
  if (input.envelopeId !== undefined) {
    const problem = typeof input.envelopeId === 'string' ? checkEnvelopeId(input.envelopeId) : 'must be a string';
    if (problem !== undefined) throw invalid(`${field}.envelopeId`, problem);
    out.envelopeId = input.envelopeId;
  }
  if (input.notify !== undefined) out.notify = toNotify(input.notify, `${field}.notify`);
  if (input.recipients !== undefined) {
    if (!Array.isArray(input.recipients) || input.recipients.length > MAX_RECIPIENTS) throw invalid(`${field}.recipients`, `must be a list of at most ${MAX_RECIPIENTS} entries`);
    out.recipients = input.recipients.map((entry: unknown, i: number) => toRecipientRequest(entry, `${field}.recipients[${i}]`));
  }
  return out;
}
