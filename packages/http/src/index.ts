// @xport/http — the xport HTTP API: submit and read messages, the queue, inboxes and provider
// status over HTTP, with Prometheus metrics, health probes and an OpenAPI document.

// The API
export { createHttpApi } from './http-api.js';
export type { HttpApi, HttpApiOptions } from './http-api.js';

// Authentication
export { API_CREDENTIAL_OWNER, API_CREDENTIALS, MIN_TOKEN_LENGTH } from './auth/api-tokens.js';
export { isLoopbackHost } from './auth/loopback-host.js';

// Metrics and health
export { createKernelMetrics } from './metrics/kernel-metrics.js';
export type { KernelMetrics, KernelMetricsOptions } from './metrics/kernel-metrics.js';
export type { WebhookMetricsRow, WebhookStatusSource } from './metrics/webhook-metrics.js';
export { checkReadiness } from './health/readiness.js';
export type { Readiness } from './health/readiness.js';

// Limits
export { toBodyLimit } from './submit/body-limit.js';
