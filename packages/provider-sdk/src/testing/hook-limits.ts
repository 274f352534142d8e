import { MAX_HEADER_BLOCK_CHARS, MAX_HEADER_FIELDS, MAX_HEADER_VALUE_CHARS, measureHeaders } from '../header-limits.js';
import type { MessageInput } from '../message.js';
import { MAX_RECIPIENTS } from '../message-limits.js';

// Fill header names are all this long, so the block can be filled to the character.
const fillName = (i: number): string => `X-Conformance-Fill-${String(i).padStart(3, '0')}`;
const FILL_NAME_CHARS = fillName(0).length;

function withHeaders(message: MessageInput, extra: Record<string, string>): MessageInput {
  return { ...message, headers: { ...message.headers, ...extra } };
}

function atFieldLimit(message: MessageInput): MessageInput {
  const missing = MAX_HEADER_FIELDS - measureHeaders(message.headers ?? {}).fields;
  return withHeaders(message, Object.fromEntries(Array.from({ length: missing }, (_, i) => [fillName(i), '1'])));
}

function atCharacterLimit(message: MessageInput): MessageInput {
  const missing = MAX_HEADER_BLOCK_CHARS - measureHeaders(message.headers ?? {}).chars;
  if (missing < FILL_NAME_CHARS) return message; // within one header name of the limit already
  // The fewest fill headers that can hold the missing characters, each value within its own limit,
  // the characters shared out so that they add up exactly.
  const count = Math.ceil(missing / (FILL_NAME_CHARS + MAX_HEADER_VALUE_CHARS));
  const values = missing - count * FILL_NAME_CHARS;
  const extra: Record<string, string> = {};
  for (let i = 0; i < count; i += 1) extra[fillName(i)] = 'v'.repeat(Math.floor(values / count) + (i < values % count ? 1 : 0));
  return withHeaders(message, extra);
}

function atSubjectLimit(message: MessageInput): MessageInput {
  const subject = message.subject ?? 'xport hook conformance';
  return { ...message, subject: subject + '.'.repeat(Math.max(0, MAX_HEADER_VALUE_CHARS - subject.length)) };
}

/** The address type of the recipients that fill a message to its limit (routed to a transport that is never started). */
export const FILL_ADDRESS_TYPE = 'conformance-fill';

function atRecipientLimit(message: MessageInput): MessageInput {
  const given = (message.to?.length ?? 0) + (message.cc?.length ?? 0) + (message.bcc?.length ?? 0);
  const fill = Array.from({ length: MAX_RECIPIENTS - given }, (_, i) => `${FILL_ADDRESS_TYPE}:fill-${i}`);
  return { ...message, bcc: [...(message.bcc ?? []), ...fill] };
}

/**
 * Each limit of submit, and how to bring a sample message to it: as many extra headers as allowed,
 * as many header characters, the longest subject, as many recipients. A hook that adds a header, a
 * word or a recipient without checking turns each into a message submit refuses.
 */
export const SUBMIT_LIMITS: ReadonlyArray<{ readonly limit: string; toLimit(message: MessageInput): MessageInput }> = [
  { limit: `${MAX_HEADER_FIELDS} extra headers`, toLimit: atFieldLimit },
  { limit: `${MAX_HEADER_BLOCK_CHARS} characters of extra headers`, toLimit: atCharacterLimit },
  { limit: `a subject of ${MAX_HEADER_VALUE_CHARS} characters`, toLimit: atSubjectLimit },
  { limit: `${MAX_RECIPIENTS} recipients`, toLimit: atRecipientLimit },
];
