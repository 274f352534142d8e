import { XportError, type Logger } from '@xport/provider-sdk';
import type { FailedAuthLimiter } from './failed-auth-limiter.js';
import type { TokenSet } from './token-set.js';

/** The token of an `Authorization: Bearer <token>` header (RFC 6750), or undefined. */
export function toBearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  return match?.[1];
}

export interface AuthRequest {
  /** The client address (the proxy's `X-Forwarded-For` only from a proxy in `http.trustProxy`). */
  readonly ip: string;
  readonly authorization: string | undefined;
}

/**
 * Bearer-token authentication of the API. Required once any API token is set, and from then on for
 * good: a reload that finds no token refuses every request rather than opening the API. A client
 * over its failed-authentication limit (wrong tokens; a missing one is refused but not counted) is
 * refused before its token is looked at. The token is
 * never logged, and never part of an error.
 */
export class BearerAuth {
  private tokens: TokenSet;
  private requiredFlag: boolean;

  constructor(tokens: TokenSet, private readonly limiter: FailedAuthLimiter, private readonly logger: Logger) {
    this.tokens = tokens;
    this.requiredFlag = tokens.size > 0;
  }

  get required(): boolean {
    return this.requiredFlag;
  }

  /** Takes newly read tokens (after a rotation). */
  replaceTokens(tokens: TokenSet): void {
    if (this.requiredFlag && tokens.size === 0) this.logger.error('HTTP API: no API token is set any more; every request is refused until one is');
    this.tokens = tokens;
    this.requiredFlag ||= tokens.size > 0;
  }

  /**
   * Undefined when the request may go on; else a promise of the refusal (`XPORT_HTTP_RATE_LIMITED`
   * or `XPORT_HTTP_UNAUTHORIZED`), settled once the failure is counted. An accepted request costs
   * no promise: this runs for every request.
   */
  authenticate(request: AuthRequest): Promise<XportError> | undefined {
    if (!this.requiredFlag) return undefined;
    const wait = this.limiter.refusedFor(request.ip);
    if (wait > 0) {
      return Promise.resolve(new XportError('XPORT_HTTP_RATE_LIMITED', `too many failed authentications from ${request.ip}; try again in ${wait} s`, { details: { retryAfterSeconds: wait } }));
    }
    const presented = toBearerToken(request.authorization);
    if (presented !== undefined && this.tokens.matches(presented)) return undefined;
    return this.refuse(request, presented === undefined ? 'missing' : 'invalid');
  }

  private async refuse(request: AuthRequest, reason: 'missing' | 'invalid'): Promise<XportError> {
    // Only a wrong token is a guess. A request with none guesses nothing, and counting it would let a
    // browser's own requests (a favicon, robots.txt) lock the operator's address out of the console.
    if (reason === 'invalid') {
      await this.limiter.recordFailure(request.ip);
      this.logger.warn('HTTP API: authentication failed', { client: request.ip, reason });
    } else {
      this.logger.debug('HTTP API: a request without a token was refused', { client: request.ip });
    }
    const message = reason === 'missing' ? 'this request needs an API token: send Authorization: Bearer <token>' : 'the bearer token matches no API token';
    return new XportError('XPORT_HTTP_UNAUTHORIZED', message, { details: { reason } });
  }
}
