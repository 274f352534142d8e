import { Secret, XportError, type CredentialDeclaration, type CredentialView } from '@xport/provider-sdk';
import type { CredentialService } from './credential-service.js';
import { toMissingCredentialError } from './required-credentials.js';

/**
 * A provider's view of the credential service: only the names its manifest declares, looked up
 * under its own id. It holds no values itself, so every call sees the latest refresh.
 */
export function createCredentialView(
  service: CredentialService,
  providerId: string,
  declarations: Readonly<Record<string, CredentialDeclaration>> | undefined,
): CredentialView {
  const declared = Object.freeze(Object.keys(declarations ?? {}));
  const check = (name: string): void => {
    if (!declared.includes(name)) {
      throw new XportError(
        'XPORT_CREDENTIAL_UNDECLARED',
        `provider "${providerId}" asked for credential "${name}", which its manifest does not declare (declared: ${declared.length === 0 ? 'none' : declared.join(', ')})`,
        { details: { provider: providerId, credential: name } },
      );
    }
  };
  return {
    declared,
    get(name: string): Secret | undefined {
      check(name);
      const { value } = service.lookup(providerId, name);
      return value === undefined ? undefined : new Secret(value);
    },
    require(name: string): Secret {
      check(name);
      const { value, searched } = service.lookup(providerId, name);
      if (value !== undefined) return new Secret(value);
      throw toMissingCredentialError(providerId, name, searched);
    },
  };
}
