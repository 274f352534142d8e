import type { CredentialDeclaration, CredentialView } from '@xport/provider-sdk';
import type { Kernel, WebhookSettings } from '@xport/core';
import { toWebhookHeaders, type SignedContent, type WebhookHeaders } from '../signing/sign-webhook.js';
import { toWebhookKey } from '../signing/webhook-secret.js';

/**
 * The owner webhook signing secrets are read under: `XPORT_WEBHOOKS__<NAME>` in the environment,
 * `{ "webhooks": { "<name>": "whsec_…" } }` in the credentials file. No provider may use this id.
 */
export const WEBHOOK_CREDENTIAL_OWNER = 'webhooks';

/** A configured endpoint, ready to send to: its settings and a signer holding its key (never shown). */
export interface WebhookEndpoint {
  readonly settings: WebhookSettings;
  sign(content: SignedContent): WebhookHeaders;
}

/**
 * An endpoint with its key: the key is kept in the closure only, so neither logging nor
 * serialising an endpoint can show it.
 *
 * @example
 * const endpoint = toWebhookEndpoint(settings, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
 */
export function toWebhookEndpoint(settings: WebhookSettings, secret: string): WebhookEndpoint {
  const key = toWebhookKey(secret, `webhook "${settings.id}" (credential "${settings.secret}" of "${WEBHOOK_CREDENTIAL_OWNER}")`);
  return { settings, sign: (content) => toWebhookHeaders(key, content) };
}

/**
 * The enabled endpoints of `kernel.config.webhooks`, each with its signing secret read through the
 * kernel's credential service (so it is masked in every log line). Throws `XPORT_CREDENTIAL_MISSING`
 * (naming the credential and the sources searched) for a secret that is not set, and
 * `XPORT_WEBHOOK_SECRET_INVALID` for one that is not `whsec_` and 24–64 base64 bytes.
 *
 * @example
 * const endpoints = await readWebhookEndpoints(kernel);
 */
export async function readWebhookEndpoints(kernel: Pick<Kernel, 'config' | 'credentials'>): Promise<WebhookEndpoint[]> {
  const enabled = kernel.config.webhooks.filter((w) => w.enabled);
  if (enabled.length === 0) return [];
  const declarations: Record<string, CredentialDeclaration> = {};
  for (const w of enabled) declarations[w.secret] = { required: true, description: `The whsec_ signing secret of webhook "${w.id}".` };
  const view: CredentialView = await kernel.credentials(WEBHOOK_CREDENTIAL_OWNER, declarations);
  return enabled.map((settings) => toWebhookEndpoint(settings, view.require(settings.secret).reveal()));
}
