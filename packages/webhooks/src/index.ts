// @xport/webhooks — signed webhooks for xport delivery events: each event of the store's event log
// POSTed to the configured endpoints as the Standard Webhooks specification describes.

// The dispatcher
export { createWebhookDispatcher } from './dispatch/webhook-dispatcher.js';
export type { WebhookDispatcher, WebhookDispatcherOptions } from './dispatch/webhook-dispatcher.js';
export type { RetryTimer } from './dispatch/retry-timer.js';
export { FAILING_AFTER_ATTEMPTS } from './dispatch/endpoint-status.js';
export type { WebhookEndpointState, WebhookEndpointStatus } from './dispatch/endpoint-status.js';

// Endpoints and their secrets
export { readWebhookEndpoints, toWebhookEndpoint, WEBHOOK_CREDENTIAL_OWNER } from './endpoints/webhook-endpoint.js';
export type { WebhookEndpoint } from './endpoints/webhook-endpoint.js';

// Signing and verifying (Standard Webhooks)
export { signWebhook, toWebhookHeaders, verifyWebhook } from './signing/sign-webhook.js';
export type { SignedContent, VerifyOptions, WebhookHeaders } from './signing/sign-webhook.js';
export { toWebhookKey, WEBHOOK_SECRET_PREFIX } from './signing/webhook-secret.js';

// Payloads and delivery
export { toWebhookEventType, toWebhookId, toWebhookPayload } from './payload/webhook-payload.js';
export type { WebhookEventType, WebhookPayload } from './payload/webhook-payload.js';
export { toDisplayUrl } from './delivery/post-webhook.js';
export { toRetryDelay } from './delivery/retry-delay.js';

// Over a kernel
export { startKernelWebhooks } from './kernel/kernel-webhooks.js';
export type { KernelWebhooksOptions } from './kernel/kernel-webhooks.js';
export { eventLogOf } from './kernel/event-log-of.js';
