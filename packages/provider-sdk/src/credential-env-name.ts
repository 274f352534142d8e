/**
 * The environment variable that holds a provider's credential: `XPORT_<ID>__<NAME>`.
 *
 * - `<ID>` is the provider id upper-cased, dashes turned into underscores (`smtp-primary` → `SMTP_PRIMARY`).
 * - `<NAME>` is the credential name (lowerCamelCase, the manifest's `CREDENTIAL_NAME_PATTERN`) in
 *   SCREAMING_SNAKE_CASE: an underscore before each capital (`oauth2AccessToken` → `OAUTH2_ACCESS_TOKEN`).
 * - A double underscore separates them. A converted name never contains `__` and never starts with
 *   `_`, so the last `__` of a variable is always the separator: no two (id, name) pairs share a
 *   variable, and one provider can never be handed another's secret.
 *
 * @example
 * toEnvCredentialName('smtp', 'password')           // 'XPORT_SMTP__PASSWORD'
 * toEnvCredentialName('smtp-primary', 'password')   // 'XPORT_SMTP_PRIMARY__PASSWORD'
 * toEnvCredentialName('smtp', 'primaryPassword')    // 'XPORT_SMTP__PRIMARY_PASSWORD'
 * toEnvCredentialName('smtp', 'oauth2AccessToken')  // 'XPORT_SMTP__OAUTH2_ACCESS_TOKEN'
 */
export function toEnvCredentialName(providerId: string, name: string): string {
  return `XPORT_${providerId.toUpperCase().replace(/-/g, '_')}__${toScreamingSnake(name)}`;
}

/** `oauth2AccessToken` → `OAUTH2_ACCESS_TOKEN`: each capital starts a word. */
function toScreamingSnake(name: string): string {
  return name.replace(/[A-Z]/g, (capital) => `_${capital}`).toUpperCase();
}
