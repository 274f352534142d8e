import { QUEUE_OPERATIONS } from '@xport/provider-sdk';
import { cursor } from './route-schemas.js';
import { QUEUE_STATES, RECIPIENT_STATES } from './state-lists.js';

// The queue by filter (`GET /v1/queue`) and bulk operations (`POST /v1/queue/{operation}`). The
// filter fields are the SDK's RecipientFilter; in a query string each list is the parameter repeated.

const time = { type: 'string', format: 'date-time' } as const;
const names = (description: string) => ({ type: 'array', minItems: 1, maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 256 }, description }) as const;
const states = { type: 'array', minItems: 1, maxItems: QUEUE_STATES.length, items: { type: 'string', enum: QUEUE_STATES }, description: 'Any of these states (not final ones).' } as const;
const olderThan = { type: 'integer', minimum: 0, description: 'Of messages submitted more than this many seconds ago.' } as const;

const filterFields = {
  state: states,
  provider: names('Whose responsible transport is one of these ids.'),
  type: names('Whose address type is one of these (smtp, loopback), any case.'),
  domain: names('Whose destination domain (after the last @) is one of these, any case.'),
  olderThan,
  message: names('Of these message ids.'),
} as const;

export const queueQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 }, cursor, ...filterFields },
} as const;

export const queueRecipientSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['messageId', 'index', 'recipient', 'role', 'provider', 'state', 'attempts', 'nextAttemptAt', 'updatedAt', 'submittedAt', 'expiresAt', 'href'],
  properties: {
    messageId: { type: 'string' },
    subject: { type: 'string', description: "The message's subject." },
    from: { $ref: 'Recipient#', description: "The message's sender." },
    index: { type: 'integer', minimum: 0 },
    recipient: { $ref: 'Recipient#' },
    role: { type: 'string', enum: ['to', 'cc', 'bcc'] },
    provider: { type: ['string', 'null'] },
    state: { type: 'string', enum: RECIPIENT_STATES },
    attempts: { type: 'integer', minimum: 0 },
    nextAttemptAt: { type: ['string', 'null'], format: 'date-time' },
    lastError: { type: 'object', additionalProperties: false, required: ['code', 'diagnostic'], properties: { code: { type: 'string' }, diagnostic: { type: 'string' } } },
    updatedAt: time,
    expiresWhileHeld: { type: 'boolean', const: true, description: "Present on a held recipient that still expires when its message's lifetime passes (held with expire: true)." },
    submittedAt: time,
    expiresAt: time,
    href: { type: 'string', description: 'Where its message is read.' },
  },
} as const;

export const queuePage = {
  type: 'object',
  additionalProperties: false,
  required: ['recipients', 'nextCursor'],
  properties: { recipients: { type: 'array', items: queueRecipientSchema }, nextCursor: { type: ['string', 'null'] } },
} as const;

export const operationParams = {
  type: 'object',
  additionalProperties: false,
  required: ['operation'],
  properties: { operation: { type: 'string', enum: QUEUE_OPERATIONS } },
} as const;

export const operationBody = {
  type: 'object',
  additionalProperties: false,
  description: 'A filter, or message ids (or both: the ids narrow the filter). A filter that selects every recipient needs all: true.',
  properties: {
    filter: {
      type: 'object',
      additionalProperties: false,
      properties: {
        states,
        providers: filterFields.provider,
        addressTypes: filterFields.type,
        domains: filterFields.domain,
        olderThan,
        submittedBefore: { ...time, description: 'Of messages submitted before this time.' },
        messageIds: filterFields.message,
        all: { type: 'boolean', description: 'Every recipient of the queue: required when nothing else narrows the selection, refused next to another criterion.' },
      },
    },
    ids: names('Message ids: every recipient of these messages the operation applies to.'),
    dryRun: { type: 'boolean', default: false, description: 'Count what would change (and what is in flight); change nothing.' },
    expire: {
      type: 'boolean',
      description:
        "hold only: the held recipients still expire when their message's lifetime passes (expired, with a non-delivery report and an expired event; never sent). Without it a held recipient never expires while held. true with another operation: 400 XPORT_QUEUE_OPERATION_INVALID.",
    },
  },
} as const;

export const operationResult = {
  type: 'object',
  additionalProperties: false,
  required: ['operation', 'dryRun', 'changed', 'skippedInFlight', 'messages', 'batches', 'reports'],
  properties: {
    operation: { type: 'string', enum: QUEUE_OPERATIONS },
    dryRun: { type: 'boolean' },
    changed: { type: 'integer', minimum: 0, description: 'Recipients changed (a dry run: that would change now).' },
    skippedInFlight: { type: 'integer', minimum: 0, description: 'Selected recipients being sent: left to their send.' },
    messages: { type: 'integer', minimum: 0, description: 'Distinct messages changed.' },
    batches: { type: 'integer', minimum: 0, description: 'Store transactions it took.' },
    reports: { type: 'integer', minimum: 0, description: 'Non-delivery reports written (delete).' },
  },
} as const;
