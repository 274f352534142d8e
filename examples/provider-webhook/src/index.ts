// xport-provider-webhook — a transport for address type `https`: signed JSON POSTs.

// Configuration
export { DEFAULT_WEBHOOK_CONFIG } from './config.js';
export type { WebhookConfig } from './config.js';

// Signatures (for receivers)
export { signWebhookBody, verifyWebhookSignature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './signature.js';

// The transport, for embedding without the kernel's discovery
export { createWebhookTransport } from './webhook-transport.js';
export type { WebhookOptions } from './webhook-transport.js';
export { parseRetryAfter } from './retry-after.js';
export { default as webhookProvider } from './provider.js';
