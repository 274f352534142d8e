import { Secret, XportError, type CredentialView } from '@xport/provider-sdk';
import { createLogCollector, type LogCollector } from '@xport/provider-sdk/testing';
import { createWebhookTransport, DEFAULT_WEBHOOK_CONFIG, type WebhookConfig } from '../../src/index.js';

/** A CredentialView holding only `signingSecret`, as the kernel would give one. */
export function signingCredentials(secret: string | undefined): CredentialView {
  const get = (name: string): Secret | undefined => {
    if (name !== 'signingSecret') throw new XportError('XPORT_CREDENTIAL_UNDECLARED', `provider "webhook" asked for undeclared credential "${name}"`);
    return secret === undefined ? undefined : new Secret(secret);
  };
  return {
    declared: ['signingSecret'],
    get,
    require(name) {
      const value = get(name);
      if (value === undefined) throw new XportError('XPORT_CREDENTIAL_MISSING', `credential "${name}" is missing (searched: test)`);
      return value;
    },
  };
}

/** The transport with collecting services, outside any kernel. */
export function createTestTransport(config: Partial<WebhookConfig>, secret: string | undefined): { transport: ReturnType<typeof createWebhookTransport>; logs: LogCollector } {
  const logs = createLogCollector();
  const transport = createWebhookTransport({
    providerId: 'webhook',
    config: { ...DEFAULT_WEBHOOK_CONFIG, ...config },
    credentials: signingCredentials(secret),
    logger: logs.logger,
    clock: { now: () => Date.now() },
  });
  return { transport, logs };
}
