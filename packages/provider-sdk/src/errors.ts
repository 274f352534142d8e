import { ERROR_CODES, type ErrorCode } from './error-codes.js';

const BRAND = Symbol.for('xport.Error');

/** Details that help a person act on an error: the package, provider, field or address involved. */
export type ErrorDetails = Readonly<Record<string, unknown>>;

export interface XportErrorOptions {
  cause?: unknown;
  details?: ErrorDetails;
}

/**
 * The one error class of xport. `code` is stable and part of the public API (see `docs/errors.md`).
 *
 * @example
 * throw new XportError('XPORT_ADDRESS_INVALID', 'recipient "fax:" has an empty address', { details: { input: 'fax:' } });
 */
export class XportError extends Error {
  override readonly name = 'XportError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, options: XportErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
    Object.defineProperty(this, BRAND, { value: true, enumerable: false });
  }

  /**
   * True for any xport error, even one built by another copy of the SDK (checks a global brand, not `instanceof`).
   * With `code`, true only for that code.
   *
   * @example
   * if (XportError.is(err, 'XPORT_STORE_STALE_LEASE')) retryLater();
   */
  static is(value: unknown, code?: ErrorCode): value is XportError {
    if (typeof value !== 'object' || value === null) return false;
    const branded = (value as Record<symbol, unknown>)[BRAND] === true;
    const named = (value as { name?: unknown }).name === 'XportError' && typeof (value as { code?: unknown }).code === 'string';
    if (!branded && !named) return false;
    return code === undefined || (value as { code: string }).code === code;
  }

  toJSON(): { name: string; code: ErrorCode; message: string; details: ErrorDetails } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/** The description documented for a code, for tools that print or list errors. */
export function describeErrorCode(code: ErrorCode): string {
  return ERROR_CODES[code];
}
