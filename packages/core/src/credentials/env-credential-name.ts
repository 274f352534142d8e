/**
 * The environment variable that holds a provider's credential: `XPORT_<PROVIDER_ID>_<NAME>`,
 * uppercased, dashes turned into underscores.
 *
 * @example
 * toEnvCredentialName('smtp-primary', 'password') // 'XPORT_SMTP_PRIMARY_PASSWORD'
 */
export function toEnvCredentialName(providerId: string, name: string): string {
  return `XPORT_${providerId}_${name}`.toUpperCase().replace(/-/g, '_');
}
