import { defineTransportProvider } from '@xport/provider-sdk';
import type { SmtpConfig } from './config.js';
import { createSmtpTransport } from './smtp-transport.js';

/** The module the manifest's `entry` points at. */
export default defineTransportProvider<SmtpConfig>({
  create(context) {
    return createSmtpTransport(context);
  },
});
