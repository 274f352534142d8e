import { toEnvCredentialName } from '@xport/provider-sdk';

export { toEnvCredentialName };

/**
 * The names xport 0.1 read a credential from, or documented for it: `XPORT_<ID>_<NAME>` upper-cased
 * as one word (`XPORT_SMTP_OAUTH2ACCESSTOKEN`, what the code read) and with the name's words split
 * (`XPORT_SMTP_OAUTH2_ACCESS_TOKEN`, what the SMTP README said). They are never read any more — the
 * old rule let `smtp-primary`/`password` and `smtp`/`primaryPassword` share a variable — only
 * recognised, so a value left under an old name is reported with the name to use instead.
 *
 * A form with a double underscore is left out: it could be another credential's current name.
 *
 * @example
 * toRenamedEnvCredentialNames('smtp', 'oauth2AccessToken') // ['XPORT_SMTP_OAUTH2ACCESSTOKEN', 'XPORT_SMTP_OAUTH2_ACCESS_TOKEN']
 */
export function toRenamedEnvCredentialNames(providerId: string, name: string): string[] {
  const id = providerId.toUpperCase().replace(/-/g, '_');
  const forms = [`XPORT_${id}_${name.toUpperCase()}`, `XPORT_${id}_${name.replace(/[A-Z]/g, (capital) => `_${capital}`).toUpperCase()}`];
  return [...new Set(forms)].filter((form) => !form.includes('__'));
}
