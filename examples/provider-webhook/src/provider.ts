import { defineTransportProvider } from '@xport/provider-sdk';
import { DEFAULT_WEBHOOK_CONFIG, type WebhookConfig } from './config.js';
import { createWebhookTransport } from './webhook-transport.js';

/** The module the manifest's `entry` names: the kernel loads it and calls `create`. */
export default defineTransportProvider<WebhookConfig>({
  create: ({ info, config, credentials, logger, clock }) =>
    createWebhookTransport({ providerId: info.id, config: { ...DEFAULT_WEBHOOK_CONFIG, ...config }, credentials, logger, clock }),
});
