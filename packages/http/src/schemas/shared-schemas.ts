import { PROVIDER_STATES, RECIPIENT_STATES } from './state-lists.js';
import { suppressionSchema } from './suppression-schemas.js';
import { deliveryEventSchema } from './event-schemas.js';

// Schemas used by several routes, registered once (`app.addSchema`) and referenced as `{ $ref: '<id>#' }`.
// They are the OpenAPI document's components, under the same names. Times are RFC 3339 strings.

const time = { type: 'string', format: 'date-time' } as const;

export const errorSchema = {
  $id: 'Error',
  description: 'Every error the API answers: the xport code (docs/errors.md), a message naming the thing, and details.',
  type: 'object',
  additionalProperties: false,
  required: ['code', 'message'],
  properties: {
    code: { type: 'string', pattern: '^XPORT_[A-Z_]+$' },
    message: { type: 'string' },
    details: { type: 'object', additionalProperties: true },
  },
} as const;

export const recipientSchema = {
  $id: 'Recipient',
  description: 'An address: its type (the routing key) and the address in that type\'s syntax.',
  type: 'object',
  additionalProperties: false,
  required: ['type', 'address'],
  properties: {
    type: { type: 'string', minLength: 1, maxLength: 64 },
    address: { type: 'string', minLength: 1, maxLength: 2048 },
    name: { type: 'string', maxLength: 256 },
  },
} as const;

/** NOTIFY (RFC 3461): "never", or the events the sender wants a report of. */
const dsnNotifySchema = {
  anyOf: [
    { type: 'string', enum: ['never'] },
    { type: 'array', minItems: 1, maxItems: 3, uniqueItems: true, items: { type: 'string', enum: ['success', 'failure', 'delay'] } },
  ],
} as const;

const dsnReturn = { type: 'string', enum: ['full', 'hdrs'], description: 'RET: a failure report returns the whole original (full) or its header (hdrs).' } as const;
const envelopeId = { type: 'string', minLength: 1, maxLength: 100, description: 'ENVID: given back as Original-Envelope-Id in every report.' } as const;
const typedOriginalRecipient = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'value'],
  properties: { type: { type: 'string', minLength: 1 }, value: { type: 'string', minLength: 1 } },
} as const;

/** The DSN parameters (RFC 3461), with the forms a recipient and an ORCPT take where they are used. */
function dsnSchema<R, O>(description: string, recipient: R, originalRecipient: O) {
  return {
    type: 'object',
    additionalProperties: false,
    description,
    properties: {
      ret: dsnReturn,
      envelopeId,
      notify: dsnNotifySchema,
      recipients: {
        type: 'array',
        items: { type: 'object', additionalProperties: false, required: ['recipient'], properties: { recipient, notify: dsnNotifySchema, originalRecipient } },
      },
    },
  } as const;
}

export const envelopeSchema = {
  $id: 'Envelope',
  type: 'object',
  additionalProperties: false,
  required: ['headers', 'kind', 'deliveryReport', 'suppressNdr'],
  properties: {
    from: { $ref: 'Recipient#' },
    subject: { type: 'string' },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    messageId: { type: 'string' },
    kind: { type: 'string', enum: ['note', 'report.ndr', 'report.dr', 'report.delay'] },
    reportFor: { type: 'string', description: 'For a report: the id of the message it is about.' },
    deliveryReport: { type: 'boolean' },
    suppressNdr: { type: 'boolean' },
    dsn: dsnSchema('The DSN parameters (RFC 3461) the message was submitted or received with.', { $ref: 'Recipient#' }, typedOriginalRecipient),
  },
} as const;

/** The DSN parameters as `submit` takes them: a recipient also in text form, an ORCPT also as text (`rfc822;bob@example.net`). */
export const dsnInputSchema = dsnSchema(
  'SMTP DSN parameters (RFC 3461): which reports the sender wants, per recipient. See docs/reports.md.',
  { anyOf: [{ type: 'string', minLength: 1 }, { $ref: 'Recipient#' }] },
  { anyOf: [{ type: 'string', minLength: 1, maxLength: 500, description: 'ORCPT: addr-type;address.' }, typedOriginalRecipient] },
);

export const partSchema = {
  $id: 'Part',
  description: 'One stored piece of content; `href` reads its bytes.',
  type: 'object',
  additionalProperties: false,
  required: ['partId', 'kind', 'contentType', 'size', 'href'],
  properties: {
    partId: { type: 'string' },
    kind: { type: 'string', enum: ['text', 'html', 'attachment'] },
    contentType: { type: 'string' },
    size: { type: 'integer', minimum: 0 },
    filename: { type: 'string' },
    contentId: { type: 'string' },
    href: { type: 'string' },
  },
} as const;

export const recipientStatusSchema = {
  $id: 'RecipientStatus',
  description: 'A recipient of a stored message as the store has it now.',
  type: 'object',
  additionalProperties: false,
  required: ['index', 'recipient', 'role', 'provider', 'state', 'attempts', 'nextAttemptAt', 'updatedAt'],
  properties: {
    index: { type: 'integer', minimum: 0 },
    recipient: { $ref: 'Recipient#' },
    role: { type: 'string', enum: ['to', 'cc', 'bcc'] },
    provider: { type: ['string', 'null'], description: 'The transport responsible for it now; null when none takes its address type.' },
    state: { type: 'string', enum: RECIPIENT_STATES },
    attempts: { type: 'integer', minimum: 0 },
    nextAttemptAt: { type: ['string', 'null'], format: 'date-time' },
    lastError: {
      type: 'object',
      additionalProperties: false,
      required: ['code', 'diagnostic'],
      properties: { code: { type: 'string' }, diagnostic: { type: 'string' } },
    },
    updatedAt: time,
    expiresWhileHeld: { type: 'boolean', const: true, description: "Present on a held recipient that still expires when its message's lifetime passes (held with expire: true)." },
    timeline: {
      type: 'array',
      items: { $ref: 'DeliveryEvent#' },
      description: "Its events, oldest first (`GET /v1/messages/{id}`, when the store keeps an event log).",
    },
  },
} as const;

export const messageSchema = {
  $id: 'Message',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'envelope', 'recipients', 'parts', 'size', 'submittedAt', 'expiresAt'],
  properties: {
    id: { type: 'string' },
    envelope: { $ref: 'Envelope#' },
    recipients: { type: 'array', items: { $ref: 'RecipientStatus#' } },
    parts: { type: 'array', items: { $ref: 'Part#' } },
    size: { type: 'integer', minimum: 0 },
    submittedAt: time,
    expiresAt: time,
    finishedAt: { ...time, description: 'Set once every recipient is final.' },
    idempotencyKey: { type: 'string' },
    events: {
      type: 'array',
      items: { $ref: 'DeliveryEvent#' },
      description: 'Events about the message itself (`submitted`), oldest first (`GET /v1/messages/{id}`, when the store keeps an event log).',
    },
  },
} as const;

export const inboxEntrySchema = {
  $id: 'InboxEntry',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'mailbox', 'envelope', 'parts', 'size', 'receivedAt', 'read'],
  properties: {
    id: { type: 'string' },
    mailbox: { type: 'string' },
    envelope: { $ref: 'Envelope#' },
    parts: { type: 'array', items: { $ref: 'Part#' } },
    size: { type: 'integer', minimum: 0 },
    receivedAt: time,
    read: { type: 'boolean' },
    receivedBy: { type: 'string', description: 'The provider that received it.' },
  },
} as const;

export const queueDepthSchema = {
  $id: 'QueueDepth',
  type: 'object',
  additionalProperties: false,
  required: ['queued', 'inFlight', 'deferred', 'held'],
  properties: {
    queued: { type: 'integer', minimum: 0 },
    inFlight: { type: 'integer', minimum: 0 },
    deferred: { type: 'integer', minimum: 0 },
    held: { type: 'integer', minimum: 0, description: 'Set aside by an operator (hold) until released.' },
  },
} as const;

export const providerSchema = {
  $id: 'Provider',
  description: 'One row of the status table.',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'packageName', 'version', 'kind', 'addressTypes', 'state', 'enabled'],
  properties: {
    id: { type: 'string' },
    packageName: { type: 'string' },
    version: { type: 'string' },
    kind: { type: 'string', enum: ['transport', 'store', 'hook', 'unknown'] },
    addressTypes: { type: 'array', items: { type: 'string' } },
    state: { type: 'string', enum: PROVIDER_STATES },
    enabled: { type: 'boolean' },
    lastError: { type: 'object', additionalProperties: false, required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } },
    sides: {
      type: 'array',
      description: 'A transport\'s sides (its relay and its listener), as it reports them.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'state'],
        properties: {
          name: { type: 'string' },
          state: { type: 'string', enum: ['up', 'down', 'off'] },
          detail: { type: 'string' },
          error: { type: 'object', additionalProperties: false, required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
    queue: { $ref: 'QueueDepth#' },
  },
} as const;

/** Every shared schema, in an order where each one's references come before it. */
export const SHARED_SCHEMAS = [errorSchema, deliveryEventSchema, recipientSchema, envelopeSchema, partSchema, recipientStatusSchema, messageSchema, inboxEntrySchema, queueDepthSchema, providerSchema, suppressionSchema] as const;
