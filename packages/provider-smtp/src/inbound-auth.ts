import type { SMTPServerAuthentication, SMTPServerAuthenticationResponse, SMTPServerSession } from 'smtp-server';
import type { Clock, Logger, Secret } from '@xport/provider-sdk';
import type { ResolvedListenConfig } from './config.js';
import { AuthThrottle } from './auth-throttle.js';
import { toClientAddress } from './connection-limits.js';
import { credentialsMatch, smtpReply, toLoggedUserName } from './inbound-policy.js';

type AuthCallback = (error: Error | null | undefined, response?: SMTPServerAuthenticationResponse) => void;

/** smtp-server's `onAuth` for the listener. */
export type AuthHandler = (auth: SMTPServerAuthentication, session: SMTPServerSession, callback: AuthCallback) => void;

const LOCKED_OUT = '4.7.0 Too many failed logins, try again later';

/**
 * Checks inbound AUTH (PLAIN/LOGIN) against the provider's own credentials, in constant time,
 * throttled per client IP: each failure is logged with the client IP and the user name the client
 * gave (never the password) and answered `535` after a growing delay; at `maxAuthFailures` the
 * client gets `421` and is refused AUTH for `authLockoutMs`.
 */
export function createAuthHandler(listen: ResolvedListenConfig, expected: { username: Secret; password: Secret } | undefined, logger: Logger, clock: Clock): AuthHandler {
  const throttle = new AuthThrottle({ maxFailures: listen.maxAuthFailures, delayMs: listen.authFailureDelayMs, lockoutMs: listen.authLockoutMs, clock });
  return (auth, session, callback) => {
    const client = toClientAddress(session.remoteAddress);
    if (throttle.isLockedOut(client)) {
      // Debug only: a locked-out client that keeps trying would otherwise write a line per attempt.
      logger.debug('smtp AUTH refused: client locked out', { client });
      callback(smtpReply(421, LOCKED_OUT));
      return;
    }
    const ok = expected !== undefined && (auth.method === 'PLAIN' || auth.method === 'LOGIN') && credentialsMatch(auth.username ?? '', auth.password ?? '', expected);
    if (ok) {
      throttle.recordSuccess(client);
      callback(null, { user: auth.username });
      return;
    }
    const failure = throttle.recordFailure(client);
    const fields = { client, user: toLoggedUserName(auth.username), method: auth.method, failures: failure.failures };
    if (failure.lockedOut) {
      logger.warn('smtp AUTH failed; client locked out', { ...fields, lockoutMs: listen.authLockoutMs });
      callback(smtpReply(421, LOCKED_OUT));
      return;
    }
    logger.warn('smtp AUTH failed', { ...fields, delayMs: failure.delayMs });
    // Unref'd: a pending reply must not keep a stopping process alive.
    setTimeout(() => callback(smtpReply(535, '5.7.8 Authentication credentials invalid')), failure.delayMs).unref();
  };
}
