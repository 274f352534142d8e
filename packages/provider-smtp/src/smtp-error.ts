/** The fields nodemailer puts on the errors it raises for an SMTP exchange. */
export interface SmtpClientError extends Error {
  readonly code?: string;
  readonly response?: string;
  readonly responseCode?: number;
  readonly command?: string;
  readonly recipient?: string;
  readonly rejected?: readonly string[];
  readonly rejectedErrors?: readonly SmtpClientError[];
}

export function asSmtpClientError(error: unknown): SmtpClientError {
  return error instanceof Error ? (error as SmtpClientError) : new Error(String(error));
}

// nodemailer codes (and raw socket codes) for "never got an answer": the relay is unreachable.
const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EPROTOCOL']);

/** True when the failure is about reaching the relay at all rather than about the message. */
export function isConnectionFailure(error: SmtpClientError): boolean {
  return error.responseCode === undefined && error.code !== undefined && CONNECTION_CODES.has(error.code);
}

// Node's codes for a certificate the client refused: a security refusal, not a passing outage.
const CERTIFICATE_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT_ALTNAME_INVALID/;

export function isCertificateFailure(error: SmtpClientError): boolean {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const codes = [error.code, typeof cause?.code === 'string' ? cause.code : undefined];
  return codes.some((code) => code !== undefined && CERTIFICATE_CODES.test(code)) || /certificate/i.test(error.message);
}
