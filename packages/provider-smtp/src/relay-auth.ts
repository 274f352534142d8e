import { SecretMasker, XportError, type CredentialView, type RecipientOutcome, type Secret } from '@xport/provider-sdk';
import type { SmtpAuthMethod } from './config.js';

/**
 * nodemailer's `auth` option. Built at logon, right before the transporter that uses it: the pool
 * keeps a password for its reconnects, while an OAuth2 token is revealed per connection.
 */
export type RelayAuthOption =
  | { readonly type: 'login'; readonly user: string; readonly pass: string }
  | {
      readonly type: 'OAuth2';
      readonly user: string;
      readonly provisionCallback: (user: string, renew: boolean, callback: (error: Error | null, token?: string) => void) => void;
    };

export interface RelayAuth {
  readonly option: RelayAuthOption | undefined;
  /** Masks every credential in play, and the AUTH payloads built from them, in the relay's replies. */
  readonly masker: SecretMasker;
}

/**
 * A masker for these credentials: each value in every encoding, and the logon payloads (SASL PLAIN,
 * XOAUTH2) of the user with the password and with the token — whole, whatever their length.
 */
function toRelayMasker(username: Secret | undefined, password: Secret | undefined, token: Secret | undefined): SecretMasker {
  const masker = new SecretMasker();
  for (const secret of [username, password, token]) if (secret !== undefined) masker.addSecret(secret.reveal());
  const user = username?.reveal() ?? '';
  for (const secret of [password, token]) if (secret !== undefined) masker.addLogon(user, secret.reveal());
  return masker;
}

function missing(name: string, why: string): XportError {
  return new XportError('XPORT_LOGON_FAILED', `provider "smtp": credential "${name}" is missing; ${why}`, {
    details: { provider: 'smtp', credential: name },
  });
}

/**
 * Chooses how to authenticate at the relay from the credentials present: XOAUTH2 with
 * `username` + `oauth2AccessToken`, else PLAIN/LOGIN with `username` + `password`, else none.
 */
export function toRelayAuth(credentials: CredentialView, method: SmtpAuthMethod | undefined): RelayAuth {
  const username = credentials.get('username');
  const password = credentials.get('password');
  const token = credentials.get('oauth2AccessToken');
  const masker = toRelayMasker(username, password, token);

  if (method === 'XOAUTH2' || (token !== undefined && password === undefined)) {
    if (!token) throw missing('oauth2AccessToken', 'relay.authMethod XOAUTH2 needs it');
    if (!username) throw missing('username', 'XOAUTH2 names the user it authenticates');
    return {
      masker,
      option: {
        type: 'OAuth2',
        user: username.reveal(),
        provisionCallback: (_user, _renew, callback) => callback(null, token.reveal()),
      },
    };
  }
  if (username === undefined && password === undefined) {
    if (method !== undefined) throw missing('password', `relay.authMethod ${method} needs username and password`);
    return { option: undefined, masker };
  }
  if (!username) throw missing('username', 'a password was given without a user name');
  if (!password) throw missing('password', 'a user name was given without a password');
  return {
    masker,
    option: {
      type: 'login',
      user: username.reveal(),
      pass: password.reveal(),
    },
  };
}

/** A send's outcomes with any credential the relay echoed in its replies masked (it saw the AUTH payload). */
export function toMaskedOutcomes(outcomes: readonly RecipientOutcome[], auth: RelayAuth): RecipientOutcome[] {
  return outcomes.map((o) => ('diagnostic' in o && o.diagnostic !== undefined && auth.masker.contains(o.diagnostic) ? { ...o, diagnostic: auth.masker.mask(o.diagnostic) } : o));
}
