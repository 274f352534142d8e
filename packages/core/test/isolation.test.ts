import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { XportTokens } from '@xport/provider-sdk';
import { createKernel, type Kernel } from '../src/index.js';
import { createTestApp, resetFixtureGlobals, type TestApp } from './helpers/test-app.js';
import { KNOWN_SECRETS as K } from '../../../test/support/known-secrets.js';

let app: TestApp | undefined;
let kernel: Kernel | undefined;
beforeEach(resetFixtureGlobals);
afterEach(async () => {
  await kernel?.stop();
  await app?.cleanup();
});

interface Probe {
  config: unknown;
  resolvedConfig: unknown;
  info: string;
  ownToken: { value?: string; code?: string };
  otherCredential: { value?: string; code?: string; message?: string };
  rootConfig: { value?: unknown; code?: string; message?: string };
}
const probeOf = (k: Kernel, id: string) => (k.transport(id) as unknown as { probe: Probe }).probe;

describe('provider isolation', () => {
  it('gives each provider only its own configuration and credentials', async () => {
    app = await createTestApp(['xport-transport-alpha', { fixture: 'xport-transport-beta', scope: '@acme' }, 'xport-class-transport']);
    kernel = createKernel({
      root: app.root,
      env: {},
      credentials: { alpha: { token: K.alphaToken }, beta: { token: K.betaToken, apiKey: K.betaApiKey, secretOfAlpha: K.wrongPassword } },
      config: { providers: { alpha: { config: { greeting: 'alpha says hi' } }, beta: { config: { retries: 9 } }, classy: { config: { label: 'mine' } } } },
    });
    await kernel.start();
    const alpha = probeOf(kernel, 'alpha');
    const beta = probeOf(kernel, 'beta');
    expect(alpha.info).toBe('alpha');
    expect(alpha.config).toEqual({ greeting: 'alpha says hi', retries: 3 });
    expect(alpha.resolvedConfig).toBe(alpha.config);
    expect(beta.config).toEqual({ greeting: 'hello', retries: 9 });
    expect(alpha.ownToken.value).toBe(K.alphaToken);
    expect(beta.ownToken.value).toBe(K.betaToken);
    // alpha asks for beta's credential, beta for a name only alpha's test data mentions: both undeclared.
    expect(alpha.otherCredential).toMatchObject({ code: 'XPORT_CREDENTIAL_UNDECLARED' });
    expect(alpha.otherCredential.message).toBe('provider "alpha" asked for credential "apiKey", which its manifest does not declare (declared: token)');
    expect(beta.otherCredential).toMatchObject({ code: 'XPORT_CREDENTIAL_UNDECLARED' });
    // Walking up to the root container finds no provider configuration at all.
    expect(alpha.rootConfig.value).toBeUndefined();
    expect(alpha.rootConfig.message ?? '').toMatch(/unregistered|Attempted to resolve/i);
    // The class-based provider was constructed with its own scoped services.
    const classy = kernel.transport('classy') as unknown as { config: unknown; info: { id: string }; credentials: { declared: string[] }; credentialsBySdk01Symbol: unknown };
    expect(classy.config).toEqual({ label: 'mine' });
    expect(classy.info.id).toBe('classy');
    expect(classy.credentials.declared).toEqual([]);
    // The token is named for what it resolves; the SDK 0.1 symbol still resolves the same view.
    expect(XportTokens.Credentials.description).toBe('xport.CredentialView');
    expect(classy.credentialsBySdk01Symbol).toBe(classy.credentials);
    // Kernel services only in the root container.
    expect(kernel.container.isRegistered(XportTokens.Clock)).toBe(true);
    expect(kernel.container.isRegistered(XportTokens.Config)).toBe(false);
    expect(kernel.container.isRegistered(XportTokens.Credentials)).toBe(false);
    expect(kernel.container.isRegistered(Symbol.for('xport.CredentialService'))).toBe(false);
  });

  it('looks a credential up under the asking provider id only', async () => {
    app = await createTestApp(['xport-transport-alpha', { fixture: 'xport-transport-beta', scope: '@acme' }]);
    kernel = createKernel({ root: app.root, env: {}, credentials: { alpha: { token: K.alphaToken } } });
    await kernel.start();
    expect(kernel.providerState('alpha')).toBe('online');
    // beta declares "token" too, but alpha's value is never handed to it.
    expect(probeOf(kernel, 'beta').ownToken.value).toBeUndefined();
    expect(kernel.providerState('beta')).toBe('logon-failed');
    const row = kernel.status().find((r) => r.id === 'beta');
    expect(row?.lastError?.code).toBe('XPORT_CREDENTIAL_MISSING');
    expect(row?.lastError?.message).toContain('provider "beta" needs credential "token", which no source has (searched: createKernel({ credentials }); environment variable XPORT_BETA__TOKEN;');
  });
});
