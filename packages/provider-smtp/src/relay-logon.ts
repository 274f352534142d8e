import { XportError } from '@xport/provider-sdk';
import type { ResolvedRelayConfig } from './config.js';
import type { RelayAuth } from './relay-auth.js';
import { isCertificateFailure, type SmtpClientError } from './smtp-error.js';
import { toDiagnostic } from './smtp-reply.js';

/**
 * Maps a failed relay logon to the kernel's two answers: `XPORT_LOGON_FAILED` when the relay
 * refused us for good (535, any 5.7.x, any other 5xx, no STARTTLS while TLS is required, an
 * untrusted certificate), `XPORT_PROVIDER_UNAVAILABLE` when it could not be reached or answered 4xx.
 * The message carries the server's reply, scrubbed of every credential in every form it may echo
 * them (masked before the reply is shortened, so a cut can never leave part of a secret unmasked).
 */
export function toLogonError(error: SmtpClientError, relay: ResolvedRelayConfig, auth: RelayAuth): XportError {
  const where = `${relay.host}:${relay.port}`;
  const reply = error.response === undefined ? undefined : toDiagnostic(auth.masker.mask(error.response));
  const what = toDiagnostic(auth.masker.mask(error.message));
  const details = {
    provider: 'smtp',
    relay: where,
    ...(error.code === undefined ? {} : { smtpError: error.code }),
    ...(error.command === undefined ? {} : { command: error.command }),
    ...(error.responseCode === undefined ? {} : { responseCode: error.responseCode }),
    ...(reply === undefined ? {} : { reply }),
  };
  const code = error.responseCode;
  const refused =
    (code !== undefined && code >= 500) ||
    (code === undefined && (error.code === 'EAUTH' || error.code === 'ETLS' || isCertificateFailure(error)));
  if (refused) {
    const because = reply ?? what;
    return new XportError('XPORT_LOGON_FAILED', `provider "smtp": relay ${where} refused the logon${error.command ? ` at ${error.command}` : ''}: ${because}`, { details });
  }
  return new XportError('XPORT_PROVIDER_UNAVAILABLE', `provider "smtp": relay ${where} is unavailable: ${reply ?? what}`, { details });
}
