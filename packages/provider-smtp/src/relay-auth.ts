import { XportError, type CredentialView, type Secret } from '@xport/provider-sdk';
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
  /** Every secret in play, so error texts can be scrubbed of them. */
  readonly secrets: readonly Secret[];
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
  const secrets = [username, password, token].filter((s): s is Secret => s !== undefined);

  if (method === 'XOAUTH2' || (token !== undefined && password === undefined)) {
    if (!token) throw missing('oauth2AccessToken', 'relay.authMethod XOAUTH2 needs it');
    if (!username) throw missing('username', 'XOAUTH2 names the user it authenticates');
    return {
      secrets,
      option: {
        type: 'OAuth2',
        user: username.reveal(),
        provisionCallback: (_user, _renew, callback) => callback(null, token.reveal()),
      },
    };
  }
  if (username === undefined && password === undefined) {
    if (method !== undefined) throw missing('password', `relay.authMethod ${method} needs username and password`);
    return { option: undefined, secrets };
  }
  if (!username) throw missing('username', 'a password was given without a user name');
  if (!password) throw missing('password', 'a user name was given without a password');
  return {
    secrets,
    option: {
      type: 'login',
      user: username.reveal(),
      pass: password.reveal(),
    },
  };
}

/** Removes every secret value (and its base64 forms, as SASL sends them) from a text. */
export function redactSecrets(text: string, secrets: readonly Secret[]): string {
  let out = text;
  for (const secret of secrets) {
    const value = secret.reveal();
    if (value.length === 0) continue;
    for (const form of [value, Buffer.from(value).toString('base64')]) out = out.split(form).join('[redacted]');
  }
  return out;
}
