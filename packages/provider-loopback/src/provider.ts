import { defineTransportProvider, XportError } from '@xport/provider-sdk';
import type { LoopbackConfig } from './config.js';
import { createLoopbackTransport } from './loopback-transport.js';

/** The module the manifest's `entry` names: the kernel loads it and calls `create`. */
export default defineTransportProvider<LoopbackConfig>({
  create({ info, config, inbound, logger }) {
    if (!inbound) {
      throw new XportError('XPORT_PROVIDER_START_FAILED', `${info.packageName} (${info.id}): no inbound port was given; loopback delivers through it`, {
        details: { provider: info.id },
      });
    }
    return createLoopbackTransport({ providerId: info.id, config, inbound, logger });
  },
});
