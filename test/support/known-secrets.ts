/**
 * The secret values the whole test suite runs with. Tests that need a credential use one of these,
 * so the leak check (leak-check.setup.ts) knows what must never show up in any output. Each value
 * is distinctive enough that finding it in output can only mean a leak.
 *
 * The JS fixture providers cannot import this module; where one hard-codes a value it says so.
 */
export const KNOWN_SECRETS = {
  /** Token of the `alpha` fixture transport (it logs it at start: the kernel must mask it). */
  alphaToken: 'ks-alpha-token-4f1c9e2b7a',
  /** Token and API key of the `beta` fixture transport. */
  betaToken: 'ks-beta-token-8d3a6c0f15',
  betaApiKey: 'ks-beta-apikey-2e7b9d4a61',
  /** The one password the `logon-rejects` fixture accepts (hard-coded in its index.js too). */
  logonPassword: 'ks-open-sesame-5b21e8c4',
  /** A password `logon-rejects` refuses, quoting it in its error: the kernel must mask it. */
  wrongPassword: 'ks-wrong-password-93ad07',
  /** A value that replaces another in a source, for rotation tests. */
  rotatedPassword: 'ks-rotated-password-c6f215',
  /** The HTTP API's bearer token (credential `token` of owner `http`), and the one before it. */
  httpApiToken: 'ks-http-api-token-3b9e51d07c',
  httpPreviousToken: 'ks-http-previous-token-e4a28f61',
  /** Put in the environment of every test worker (and so of every child process it spawns). */
  environmentCanary: 'ks-environment-canary-71e0d9b3',
} as const;

export type KnownSecretName = keyof typeof KNOWN_SECRETS;

/** The environment variable every test worker carries {@link KNOWN_SECRETS.environmentCanary} in. */
export const CANARY_VARIABLE = 'XPORT_LEAKCHECK_CANARY_SECRET';

/** Values shorter than this are not registered at run time: a short value matches innocent text. */
export const MIN_REGISTERED_SECRET_LENGTH = 8;
