import { DELIVERY_EVENT_TYPES, MAX_EVENT_READ } from '@xport/provider-sdk';

// The delivery event log over HTTP: one event's shape (a shared schema), the query of GET /v1/events
// and its JSON page. Times are RFC 3339 strings, like every time the API answers.

const time = { type: 'string', format: 'date-time' } as const;

export const deliveryEventSchema = {
  $id: 'DeliveryEvent',
  description: 'One entry of the delivery event log. `submitted` and `received` are about a message (no recipient); the others about one recipient of it.',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'type', 'at', 'messageId'],
  properties: {
    id: { type: 'integer', minimum: 1, description: 'Its position in the log, increasing; resume after it with `Last-Event-ID` or `?after=`.' },
    type: { type: 'string', enum: DELIVERY_EVENT_TYPES },
    at: time,
    messageId: { type: 'string', description: 'The outbox message; for `received`, the inbox entry.' },
    recipientIndex: { type: 'integer', minimum: 0 },
    recipient: { type: 'string', description: 'The recipient in text form (`Bob <smtp:bob@example.org>`).' },
    provider: { type: ['string', 'null'], description: 'The provider responsible for the recipient then (the receiving one for `received`).' },
    attempts: { type: 'integer', minimum: 0, description: 'Attempts made so far, this one included.' },
    error: {
      type: 'object',
      additionalProperties: false,
      required: ['code', 'diagnostic'],
      properties: { code: { type: 'string' }, diagnostic: { type: 'string' } },
    },
    nextAttemptAt: { ...time, description: 'For `deferred`: when the next attempt is due.' },
    mailbox: { type: 'string', description: 'For `received`: the mailbox it was put in.' },
  },
} as const;

export const eventsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    after: { type: 'integer', minimum: 0, description: 'Events after this id. Over SSE, `Last-Event-ID` wins over it; without either a stream starts with new events only, a page at the oldest kept.' },
    type: { type: 'array', items: { type: 'string', enum: DELIVERY_EVENT_TYPES }, description: 'Only these types (repeat: `?type=delivered&type=failed`).' },
    message: { type: 'string', minLength: 1, maxLength: 256, description: "Only this message's events." },
    follow: { type: 'boolean', default: true, description: 'false: answer one JSON page instead of a stream (as `Accept: application/json` does).' },
    limit: { type: 'integer', minimum: 1, maximum: MAX_EVENT_READ, default: 100, description: 'Most events in a JSON page.' },
  },
} as const;

export const eventsHeaders = {
  type: 'object',
  properties: { 'last-event-id': { type: 'string', pattern: '^[0-9]{1,15}$', description: 'The id of the last event the client received: the stream resumes after it.' } },
} as const;

export const eventsPage = {
  type: 'object',
  additionalProperties: false,
  required: ['events', 'lastEventId'],
  properties: {
    events: { type: 'array', items: { $ref: 'DeliveryEvent#' } },
    lastEventId: { type: 'integer', minimum: 0, description: 'The id of the last event of the page (or the `after` asked with, for an empty page): pass it as `after` to read on.' },
  },
} as const;
