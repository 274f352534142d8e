import { XportError } from '@xport/provider-sdk';

/** A fastify validation issue: where (body, querystring, params, headers) and what ajv said. */
interface ValidationIssue {
  readonly instancePath?: string;
  readonly keyword?: string;
  readonly message?: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

interface FastifyLikeError {
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly validation?: readonly ValidationIssue[];
  readonly validationContext?: string;
  readonly message?: unknown;
}

function describeIssue(part: string, issue: ValidationIssue): string {
  const path = issue.instancePath ? `${part}${issue.instancePath}` : part;
  const params = issue.params ?? {};
  if (issue.keyword === 'additionalProperties') return `${path} has an unknown field ${JSON.stringify(params.additionalProperty)}`;
  if (issue.keyword === 'required') return `${path} lacks the required field ${JSON.stringify(params.missingProperty)}`;
  return `${path} ${issue.message ?? 'is invalid'}`;
}

/** A request fastify refused, as the xport error and status to answer with. */
export interface RefusedRequest {
  readonly error: XportError;
  readonly status: number;
}

/**
 * The xport error for what fastify refuses before a route runs: a body that is not JSON, too large
 * or of another media type, and anything the route's schema rejects (unknown fields, wrong types).
 * Each names the part of the request and the field. `maxBodyBytes`: the limit the body broke, for
 * the message. Undefined for errors fastify did not raise (a route's own).
 */
export function fromFastifyError(error: unknown, maxBodyBytes: number): RefusedRequest | undefined {
  const e = error as FastifyLikeError;
  if (Array.isArray(e.validation)) {
    const part = e.validationContext ?? 'request';
    const problems = e.validation.slice(0, 10).map((issue) => describeIssue(part, issue));
    return { status: 400, error: new XportError('XPORT_HTTP_REQUEST_INVALID', problems.join('; '), { details: { part, problems } }) };
  }
  const code = typeof e.code === 'string' ? e.code : '';
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    const message = `request body is larger than ${maxBodyBytes} bytes, the limit that follows spooler.maxMessageBytes`;
    return { status: 413, error: new XportError('XPORT_INPUT_TOO_LARGE', message, { details: { maxBodyBytes } }) };
  }
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return { status: 415, error: new XportError('XPORT_HTTP_REQUEST_INVALID', 'request body must be application/json') };
  }
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error instanceof SyntaxError) {
    // secure-json-parse refuses __proto__ and constructor.prototype keys with a SyntaxError too.
    const why = error instanceof SyntaxError ? error.message : 'it is empty or not JSON';
    return { status: 400, error: new XportError('XPORT_HTTP_REQUEST_INVALID', `request body is not valid JSON: ${why}`) };
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 0;
  if (code.startsWith('FST_') && status >= 400 && status < 500) {
    return { status, error: new XportError('XPORT_HTTP_REQUEST_INVALID', `request refused: ${String(e.message)}`) };
  }
  return undefined;
}
