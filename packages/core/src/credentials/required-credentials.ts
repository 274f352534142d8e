import { XportError, type CredentialDeclaration } from '@xport/provider-sdk';
import type { CredentialService } from './credential-service.js';

/** `XPORT_CREDENTIAL_MISSING`, naming the provider, the credential and the sources searched — never a value. */
export function toMissingCredentialError(providerId: string, name: string, searched: readonly string[]): XportError {
  return new XportError('XPORT_CREDENTIAL_MISSING', `provider "${providerId}" needs credential "${name}", which no source has (searched: ${searched.join('; ')})`, {
    details: { provider: providerId, credential: name, searched },
  });
}

/**
 * The kernel's own check at logon: the first credential the manifest marks `required` that no
 * source has, as an error. It runs before the provider's `logon`, so a provider that forgets to
 * call `require()` still cannot come online without its credentials.
 *
 * @example
 * const missing = findMissingCredential(service, 'smtp', manifest.credentials);
 * if (missing) throw missing; // the provider becomes logon-failed
 */
export function findMissingCredential(
  service: CredentialService,
  providerId: string,
  declarations: Readonly<Record<string, CredentialDeclaration>> | undefined,
): XportError | undefined {
  for (const [name, declaration] of Object.entries(declarations ?? {})) {
    if (!declaration.required) continue;
    const { value, searched } = service.lookup(providerId, name);
    if (value === undefined) return toMissingCredentialError(providerId, name, searched);
  }
  return undefined;
}
