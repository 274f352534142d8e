// Schemas of route parameters, query strings, bodies and the responses that are not shared.

/** Error responses a route lists, each the shared `Error` body. */
export function errorResponses(...statuses: number[]): Record<number, unknown> {
  const described: Record<number, string> = {
    400: 'Malformed request (XPORT_HTTP_REQUEST_INVALID, XPORT_QUEUE_FILTER_INVALID), a queue operation that selects everything without all: true (XPORT_QUEUE_FILTER_UNBOUNDED), or expire: true on an operation other than hold (XPORT_QUEUE_OPERATION_INVALID).',
    401: 'No or unknown bearer token (XPORT_HTTP_UNAUTHORIZED).',
    404: 'Not found (XPORT_STORE_NOT_FOUND, XPORT_HTTP_ROUTE_NOT_FOUND).',
    409: 'The idempotency key was used for other content (XPORT_IDEMPOTENCY_CONFLICT).',
    413: 'The body is larger than the limit (XPORT_INPUT_TOO_LARGE).',
    415: 'The body is not application/json (XPORT_HTTP_REQUEST_INVALID).',
    422: 'The kernel refused the message or an address (XPORT_MESSAGE_INVALID, XPORT_ADDRESS_INVALID, XPORT_MESSAGE_REJECTED).',
    429: 'Too many failed authentications from this client (XPORT_HTTP_RATE_LIMITED); see Retry-After.',
    500: 'An unexpected error (XPORT_INTERNAL_ERROR).',
    501: 'The store lacks an optional part of the contract: a suppression list (XPORT_SUPPRESSION_UNSUPPORTED), queue operations (XPORT_QUEUE_OPERATIONS_UNSUPPORTED) or a delivery event log (XPORT_STORE_NO_EVENTS).',
    503: 'The store or a policy hook cannot take the request now (XPORT_STORE_FULL, XPORT_STORE_UNAVAILABLE, XPORT_HOOK_UNAVAILABLE, XPORT_KERNEL_NOT_STARTED, XPORT_KERNEL_STOPPED); see Retry-After.',
  };
  const responses: Record<number, unknown> = {};
  for (const status of statuses) responses[status] = { description: described[status], $ref: 'Error#' };
  return responses;
}

/** What every authenticated route may answer besides its own. */
export const AUTH_ERRORS = [401, 429, 500] as const;

const id = { type: 'string', minLength: 1, maxLength: 256 } as const;
const cursor = { type: 'string', minLength: 1, maxLength: 512, description: 'nextCursor of the previous page, as given.' } as const;

export const messageParams = { type: 'object', additionalProperties: false, required: ['id'], properties: { id } } as const;
export const messagePartParams = { type: 'object', additionalProperties: false, required: ['id', 'partId'], properties: { id, partId: id } } as const;
const mailbox = { type: 'string', minLength: 1, maxLength: 2400, description: 'An address in text form: loopback:alice, ada@example.org (URL-encoded).' } as const;
export const mailboxParams = { type: 'object', additionalProperties: false, required: ['mailbox'], properties: { mailbox } } as const;
export const inboxEntryParams = { type: 'object', additionalProperties: false, required: ['mailbox', 'entryId'], properties: { mailbox, entryId: id } } as const;
export const inboxPartParams = { type: 'object', additionalProperties: false, required: ['mailbox', 'entryId', 'partId'], properties: { mailbox, entryId: id, partId: id } } as const;

export { cursor };
export const inboxQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 }, cursor, unread: { type: 'boolean', default: false, description: 'Only entries not marked read.' } },
} as const;

export const inboxPage = {
  type: 'object',
  additionalProperties: false,
  required: ['mailbox', 'entries', 'nextCursor'],
  properties: { mailbox: { type: 'string' }, entries: { type: 'array', items: { $ref: 'InboxEntry#' } }, nextCursor: { type: ['string', 'null'] } },
} as const;

/** A part's bytes, in its own content type. */
export const partContent = {
  description: "The part's bytes, with its content type (and, for an attachment, Content-Disposition with its filename).",
  content: { '*/*': { schema: { type: 'string', format: 'binary' } } },
} as const;
