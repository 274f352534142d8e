import { dsnInputSchema } from './shared-schemas.js';
import { RECIPIENT_STATES } from './state-lists.js';

// POST /v1/messages: the fields of `submit` as JSON. The schema checks shape only (unknown fields,
// types); the kernel checks the rest (addresses, header characters, sizes) and answers with its codes.

const address = {
  anyOf: [{ type: 'string', minLength: 1, description: 'Text form: "loopback:alice", "Ada <ada@example.org>".' }, { $ref: 'Recipient#' }],
} as const;
const addresses = { type: 'array', items: address } as const;

export const submitBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: address,
    to: addresses,
    cc: addresses,
    bcc: addresses,
    subject: { type: 'string' },
    headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'Extra header fields; values without CR, LF or other control characters.' },
    text: { type: 'string' },
    html: { type: 'string' },
    attachments: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['filename', 'content'],
        properties: {
          filename: { type: 'string' },
          contentType: { type: 'string' },
          contentId: { type: 'string' },
          content: { type: 'string', description: 'The bytes, base64-encoded unless `encoding` is "utf8".' },
          encoding: { type: 'string', enum: ['base64', 'utf8'], description: 'How `content` is written; default base64.' },
        },
      },
    },
    messageId: { type: 'string', description: 'RFC 5322 Message-ID to keep.' },
    deliveryReport: { type: 'boolean', description: "A delivery report in the sender's mailbox when a recipient is delivered." },
    suppressNdr: { type: 'boolean', description: 'No non-delivery reports for this message.' },
    dsn: dsnInputSchema,
  },
} as const;

export const submitHeaders = {
  type: 'object',
  properties: {
    'idempotency-key': {
      type: 'string',
      minLength: 1,
      maxLength: 258,
      description: 'The same key with the same content yields one message (202, duplicate: true); with other content 409. A quoted string ("…") or bare.',
    },
  },
} as const;

export const submitReceipt = {
  type: 'object',
  additionalProperties: false,
  required: ['messageId', 'duplicate', 'recipients', 'href'],
  properties: {
    messageId: { type: 'string' },
    duplicate: { type: 'boolean', description: 'True when the idempotency key matched an earlier message: nothing new was queued.' },
    recipients: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['recipient', 'provider', 'state'],
        properties: {
          recipient: { $ref: 'Recipient#' },
          provider: { type: ['string', 'null'], description: 'The transport responsible for it; null when none takes its address type (it fails with a non-delivery report).' },
          state: { type: 'string', enum: RECIPIENT_STATES },
        },
      },
    },
    href: { type: 'string', description: 'Where the message is read.' },
  },
} as const;
