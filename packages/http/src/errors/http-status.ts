import type { ErrorCode } from '@xport/provider-sdk';

/**
 * The HTTP status of each xport code an API route can end with. One table, so every route answers
 * a code the same way; a code not listed is a 500 (a bug: a route let an error through unmapped).
 */
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  XPORT_HTTP_REQUEST_INVALID: 400,
  XPORT_QUEUE_FILTER_INVALID: 400,
  // A bulk operation that would select the whole queue without all: true.
  XPORT_QUEUE_FILTER_UNBOUNDED: 400,
  // expire: true on another operation than hold.
  XPORT_QUEUE_OPERATION_INVALID: 400,
  XPORT_HTTP_UNAUTHORIZED: 401,
  XPORT_STORE_NOT_FOUND: 404,
  XPORT_HTTP_ROUTE_NOT_FOUND: 404,
  XPORT_IDEMPOTENCY_CONFLICT: 409,
  XPORT_STORE_IN_FLIGHT: 409,
  XPORT_INPUT_TOO_LARGE: 413,
  XPORT_MESSAGE_INVALID: 422,
  XPORT_ADDRESS_INVALID: 422,
  XPORT_MESSAGE_REJECTED: 422,
  XPORT_HTTP_RATE_LIMITED: 429,
  XPORT_INTERNAL_ERROR: 500,
  // The configured store does not implement the optional suppression list: no retry helps.
  XPORT_SUPPRESSION_UNSUPPORTED: 501,
  XPORT_QUEUE_OPERATIONS_UNSUPPORTED: 501,
  // Likewise a store without the optional delivery event log.
  XPORT_STORE_NO_EVENTS: 501,
  // The kernel cannot take the request now; the same request may succeed later.
  XPORT_STORE_FULL: 503,
  XPORT_STORE_UNAVAILABLE: 503,
  XPORT_STORE_NOT_CONFIGURED: 503,
  XPORT_HOOK_UNAVAILABLE: 503,
  XPORT_KERNEL_STOPPED: 503,
  XPORT_KERNEL_NOT_STARTED: 503,
};

/**
 * Seconds a client should wait before repeating a request answered 503. A store that filled up or
 * went away, or a policy hook logging on again, is usually back within seconds; a client that
 * retries sooner only adds load.
 */
export const RETRY_AFTER_UNAVAILABLE_S = 5;

/** The status an error with this code is answered with. */
export function toHttpStatus(code: string): number {
  return STATUS_BY_CODE[code as ErrorCode] ?? 500;
}
