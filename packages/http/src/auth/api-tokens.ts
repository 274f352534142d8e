import { XportError, type CredentialView } from '@xport/provider-sdk';
import type { HttpSettings, Kernel } from '@xport/core';
import { isLoopbackHost } from './loopback-host.js';
import { TokenSet } from './token-set.js';

/**
 * The owner the API's credentials are read under: `XPORT_HTTP__TOKEN` in the environment,
 * `{ "http": { "token": "…" } }` in the credentials file. No provider may use this id.
 */
export const API_CREDENTIAL_OWNER = 'http';

/** The API's credentials: the token clients send, and the one before it while clients move over. */
export const API_CREDENTIALS = {
  token: { required: false, description: 'The bearer token a client of the HTTP API sends (Authorization: Bearer <token>).' },
  previousToken: { required: false, description: 'Also accepted, while clients move from it to a new token.' },
} as const;

/** Shorter tokens are accepted, with a warning: they are guessable, and masking them in logs catches innocent text. */
export const MIN_TOKEN_LENGTH = 20;

export interface ApiTokens {
  readonly tokens: TokenSet;
  /** Where the token was looked for (never a value), for the error that refuses to start without one. */
  readonly searched: readonly string[];
  /** Names of tokens shorter than {@link MIN_TOKEN_LENGTH}. */
  readonly short: readonly string[];
}

function searchedFor(view: CredentialView): readonly string[] {
  try {
    view.require('token');
    return [];
  } catch (error) {
    const searched = XportError.is(error) ? error.details.searched : undefined;
    return Array.isArray(searched) ? searched.map(String) : [];
  }
}

/** Reads the API tokens through the kernel's credential service (the credentials file is read again). */
export async function readApiTokens(kernel: Pick<Kernel, 'credentials'>): Promise<ApiTokens> {
  const view = await kernel.credentials(API_CREDENTIAL_OWNER, API_CREDENTIALS);
  const values: string[] = [];
  const short: string[] = [];
  for (const name of Object.keys(API_CREDENTIALS)) {
    const value = view.get(name)?.reveal();
    if (value === undefined) continue;
    values.push(value);
    if (value.length < MIN_TOKEN_LENGTH) short.push(name);
  }
  const tokens = new TokenSet(values);
  return { tokens, short, searched: tokens.size === 0 ? searchedFor(view) : [] };
}

/**
 * Refuses to serve an address other machines can reach when no token is set: the API submits and
 * reads mail, so it is never open to a network. `XPORT_CREDENTIAL_MISSING` names the address, the
 * variable and the sources searched; `xport start` exits 78 on it.
 */
export function checkBindAllowed(settings: Pick<HttpSettings, 'host' | 'port'>, api: ApiTokens): void {
  if (api.tokens.size > 0 || isLoopbackHost(settings.host)) return;
  throw new XportError(
    'XPORT_CREDENTIAL_MISSING',
    `the HTTP API would listen on ${settings.host}:${settings.port}, which is not a loopback address, without an API token: ` +
      `set credential "token" of "${API_CREDENTIAL_OWNER}" (searched: ${api.searched.join('; ')}), or set http.host to a loopback address such as 127.0.0.1`,
    { details: { owner: API_CREDENTIAL_OWNER, credential: 'token', host: settings.host, searched: api.searched } },
  );
}
