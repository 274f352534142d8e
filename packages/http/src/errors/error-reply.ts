import { XportError } from '@xport/provider-sdk';
import { fromFastifyError } from './request-errors.js';
import { RETRY_AFTER_UNAVAILABLE_S, toHttpStatus } from './http-status.js';

/** The body of every error the API answers: the xport code, a message that names the thing, details. */
export interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface ErrorReply {
  readonly status: number;
  readonly body: ErrorBody;
  readonly headers: Readonly<Record<string, string>>;
  /** The error when it carries no code the API answers on purpose: the caller logs it. */
  readonly unexpected?: unknown;
}

function headersFor(status: number, error: XportError): Record<string, string> {
  if (status === 503) return { 'retry-after': String(RETRY_AFTER_UNAVAILABLE_S) };
  if (status === 429) return { 'retry-after': String(error.details.retryAfterSeconds ?? 1) };
  if (status === 401) return { 'www-authenticate': error.details.reason === 'invalid' ? 'Bearer realm="xport", error="invalid_token"' : 'Bearer realm="xport"' };
  return {};
}

function toBody(error: XportError): ErrorBody {
  return Object.keys(error.details).length === 0 ? { code: error.code, message: error.message } : { code: error.code, message: error.message, details: error.details };
}

/**
 * What to answer for an error a request ended with: fastify's refusals (400, 413, 415), an xport
 * code (by the status table), or anything else as `XPORT_INTERNAL_ERROR` with a message that tells
 * nothing of the error (it is logged instead: it may hold what a client must not see).
 */
export function toErrorReply(error: unknown, maxBodyBytes: number): ErrorReply {
  const refused = fromFastifyError(error, maxBodyBytes);
  if (refused) return { status: refused.status, body: toBody(refused.error), headers: headersFor(refused.status, refused.error) };
  if (XportError.is(error)) {
    const status = toHttpStatus(error.code);
    if (status !== 500) return { status, body: toBody(error), headers: headersFor(status, error) };
  }
  const internal = new XportError('XPORT_INTERNAL_ERROR', 'the request failed on an unexpected error; the xport log has the details');
  return { status: 500, body: toBody(internal), headers: {}, unexpected: error };
}
