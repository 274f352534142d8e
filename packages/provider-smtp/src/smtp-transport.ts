import { XportError, outcome, type ProviderContext, type TransportProvider, type TransportSide } from '@xport/provider-sdk';
import { resolveSmtpConfig, type SmtpConfig } from './config.js';
import { startInboundListener, type InboundListener } from './inbound-listener.js';
import { createRelaySession } from './relay-session.js';

/** The `smtp` transport: a TransportProvider, plus where its listener is bound (useful with port 0). */
export interface SmtpTransport extends TransportProvider {
  /** Host and port the inbound listener is bound to, or undefined when it is not running. */
  listenAddress(): { readonly host: string; readonly port: number } | undefined;
}

/**
 * Creates the SMTP transport for a provider context: outbound through the configured relay
 * (nodemailer, pooled), inbound through an SMTP listener when `listen.enabled`. The two sides are
 * independent: the listener starts in `logon()` before the relay is tried, so mail keeps coming in
 * while the relay refuses the logon or cannot be reached, and `sides()` tells the two apart.
 *
 * @example
 * const transport = createSmtpTransport(context);
 * await transport.logon?.();
 * await transport.start?.();
 */
export function createSmtpTransport(context: ProviderContext<SmtpConfig>): SmtpTransport {
  const config = resolveSmtpConfig(context.config);
  const { logger, credentials, info } = context;
  const relay = config.relay === undefined ? undefined : createRelaySession(context, config.relay);
  const relayDestination = config.relay === undefined ? '' : `${config.relay.host}:${config.relay.port}`;
  let listener: InboundListener | undefined;
  let listenerError: TransportSide['error'];

  async function startListening(): Promise<void> {
    if (!config.listen.enabled || listener !== undefined) return;
    try {
      if (!context.inbound) {
        throw new XportError('XPORT_PROVIDER_START_FAILED', 'provider "smtp": listen.enabled is true but the kernel gave no inbound port', { details: { provider: 'smtp' } });
      }
      listener = await startInboundListener({ listen: config.listen, credentials, inbound: context.inbound, logger, appRoot: info.appRoot });
      listenerError = undefined;
    } catch (error) {
      listenerError = XportError.is(error)
        ? { code: error.code, message: error.message }
        : { code: 'XPORT_PROVIDER_START_FAILED', message: `provider "smtp": the listener did not start: ${String((error as Error)?.message ?? error)}` };
      throw error;
    }
  }

  function listenerSide(): TransportSide {
    if (!config.listen.enabled) return { name: 'listener', state: 'off' };
    if (listener !== undefined) return { name: 'listener', state: 'up', detail: `${listener.address.host}:${listener.address.port}` };
    const detail = `${config.listen.host}:${config.listen.port}`;
    return listenerError === undefined ? { name: 'listener', state: 'down', detail } : { name: 'listener', state: 'down', detail, error: listenerError };
  }

  return {
    async logon() {
      // Receiving first, and whatever the relay says: a listener that cannot start is reported by
      // start() (the provider then fails, as before) and tried again at every logon until then.
      await startListening().catch(() => undefined);
      await relay?.logon();
    },

    async start() {
      await startListening();
    },

    async stop() {
      const closing = listener?.close();
      listener = undefined;
      relay?.close();
      await closing;
    },

    availability: () => (relay === undefined || relay.available() ? 'available' : 'unavailable'),

    sides: () => [relay?.side() ?? { name: 'relay', state: 'off' }, listenerSide()],

    listenAddress: () => listener?.address,

    // Every message goes through the one configured relay: that is the destination the kernel paces.
    ...(config.relay === undefined ? {} : { destinationOf: () => relayDestination }),

    async send(message, recipients, { signal }) {
      if (!relay) return recipients.map(() => outcome.notMe());
      return relay.send(message, recipients, signal);
    },
  };
}
