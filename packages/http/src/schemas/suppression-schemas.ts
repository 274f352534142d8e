// Schemas of the suppression list routes (docs/reports.md#suppression-list).

const time = { type: 'string', format: 'date-time' } as const;
const address = { type: 'string', minLength: 1, maxLength: 2400, description: 'An address in text form: loopback:alice, ada@example.org, smtp:ada@example.org (URL-encoded in a path).' } as const;

export const suppressionSchema = {
  $id: 'Suppression',
  description: 'An address on the suppression list, keyed by its mailbox key.',
  type: 'object',
  additionalProperties: false,
  required: ['address', 'suppressed', 'expiresAt', 'manual', 'hardBounces', 'lastBounceAt', 'updatedAt'],
  properties: {
    address: { type: 'string', description: 'The mailbox key: smtp:Ada@example.org (domain lower-case ASCII).' },
    suppressed: { type: 'boolean', description: 'True when a submit to it fails now (5.7.1, XPORT_RECIPIENT_SUPPRESSED).' },
    expiresAt: { type: ['string', 'null'], format: 'date-time', description: 'When it stops suppressing; null when added by hand (until removed) or below the count.' },
    manual: { type: 'boolean', description: 'Added by hand: suppressed until removed.' },
    reason: { type: 'string' },
    hardBounces: { type: 'integer', minimum: 0 },
    lastBounceAt: { type: ['string', 'null'], format: 'date-time' },
    lastError: {
      type: 'object',
      additionalProperties: false,
      required: ['code', 'diagnostic'],
      properties: { code: { type: 'string', description: 'RFC 3463 status of the last hard bounce.' }, diagnostic: { type: 'string' } },
    },
    updatedAt: time,
  },
} as const;

export const suppressionParams = { type: 'object', additionalProperties: false, required: ['address'], properties: { address } } as const;

export const suppressionQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    cursor: { type: 'string', minLength: 1, maxLength: 512, description: 'nextCursor of the previous page, as given.' },
  },
} as const;

export const suppressionBody = {
  type: 'object',
  additionalProperties: false,
  required: ['address'],
  properties: { address, reason: { type: 'string', minLength: 1, maxLength: 1000, description: 'Why; shown in the list and in the diagnostic of recipients it fails.' } },
} as const;

export const suppressionPage = {
  type: 'object',
  additionalProperties: false,
  required: ['entries', 'nextCursor'],
  properties: { entries: { type: 'array', items: { $ref: 'Suppression#' } }, nextCursor: { type: ['string', 'null'] } },
} as const;
