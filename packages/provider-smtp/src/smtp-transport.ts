import { XportError, outcome, type ProviderContext, type TransportAvailability, type TransportProvider } from '@xport/provider-sdk';
import { resolveSmtpConfig, type ResolvedRelayConfig, type SmtpConfig } from './config.js';
import { startInboundListener, type InboundListener } from './inbound-listener.js';
import { loadPem } from './pem-source.js';
import { toMaskedOutcomes, toRelayAuth, type RelayAuth } from './relay-auth.js';
import { toLogonError } from './relay-logon.js';
import { installRcptProbe, sendThroughRelay } from './relay-sender.js';
import { createRelayTransporter, mustUseTls, type RelayTransporter } from './relay-transporter.js';
import { asSmtpClientError, isConnectionFailure } from './smtp-error.js';

/** The `smtp` transport: a TransportProvider, plus where its listener is bound (useful with port 0). */
export interface SmtpTransport extends TransportProvider {
  /** Host and port the inbound listener is bound to, or undefined when it is not running. */
  listenAddress(): { readonly host: string; readonly port: number } | undefined;
}

interface Relay {
  readonly config: ResolvedRelayConfig;
  readonly auth: RelayAuth;
  readonly transporter: RelayTransporter;
}

/**
 * Creates the SMTP transport for a provider context: outbound through the configured relay
 * (nodemailer, pooled), inbound through an SMTP listener when `listen.enabled`.
 *
 * @example
 * const transport = createSmtpTransport(context);
 * await transport.logon?.();
 * await transport.start?.();
 */
export function createSmtpTransport(context: ProviderContext<SmtpConfig>): SmtpTransport {
  const config = resolveSmtpConfig(context.config);
  const { logger, credentials, info } = context;
  let relay: Relay | undefined;
  // A relay being opened for sends that came before any logon: they share it (two would leak a pool).
  let opening: Promise<Relay> | undefined;
  let listener: InboundListener | undefined;
  let available: TransportAvailability = 'available';

  if (config.relay) mustUseTls(config.relay, toRelayAuth(credentials, config.relay.authMethod));

  async function openRelay(relayConfig: ResolvedRelayConfig): Promise<Relay> {
    const auth = toRelayAuth(credentials, relayConfig.authMethod);
    const ca = relayConfig.ca === undefined ? undefined : await loadPem(relayConfig.ca, '/relay/ca', info.appRoot);
    const transporter = createRelayTransporter(relayConfig, auth, ca);
    installRcptProbe(transporter);
    return { config: relayConfig, auth, transporter };
  }

  function relayForSend(relayConfig: ResolvedRelayConfig): Promise<Relay> {
    if (relay) return Promise.resolve(relay);
    opening ??= openRelay(relayConfig).then(
      (opened) => {
        opening = undefined;
        // A logon that finished meanwhile wins.
        if (relay) opened.transporter.close();
        else relay = opened;
        return relay;
      },
      (error: unknown) => {
        opening = undefined;
        throw error;
      },
    );
    return opening;
  }

  return {
    async logon() {
      if (!config.relay) return;
      relay?.transporter.close();
      relay = await openRelay(config.relay);
      try {
        await relay.transporter.verify();
      } catch (caught) {
        const error = toLogonError(asSmtpClientError(caught), relay.config, relay.auth);
        relay.transporter.close();
        relay = undefined;
        if (error.code === 'XPORT_PROVIDER_UNAVAILABLE') available = 'unavailable';
        logger.warn('smtp relay logon failed', { code: error.code, ...error.details });
        throw error;
      }
      available = 'available';
      logger.info('smtp relay logon ok', { relay: `${config.relay.host}:${config.relay.port}` });
    },

    async start() {
      if (!config.listen.enabled) return;
      if (!context.inbound) {
        throw new XportError('XPORT_PROVIDER_START_FAILED', 'provider "smtp": listen.enabled is true but the kernel gave no inbound port', { details: { provider: 'smtp' } });
      }
      listener = await startInboundListener({ listen: config.listen, credentials, inbound: context.inbound, logger, appRoot: info.appRoot });
    },

    async stop() {
      const closing = listener?.close();
      listener = undefined;
      relay?.transporter.close();
      relay = undefined;
      await closing;
    },

    availability: () => available,

    listenAddress: () => listener?.address,

    async send(message, recipients, { signal }) {
      if (!config.relay) return recipients.map(() => outcome.notMe());
      const current = await relayForSend(config.relay);
      const attempt = await sendThroughRelay(current.transporter, message, recipients, signal, current.config.senderDomain);
      if (attempt.error?.code === 'EAUTH') {
        available = 'unavailable';
        throw toLogonError(attempt.error, current.config, current.auth);
      }
      if (attempt.error && isConnectionFailure(attempt.error)) {
        if (available === 'available') logger.warn('smtp relay connection failed; transport unavailable', { error: attempt.error.message, smtpError: attempt.error.code });
        available = 'unavailable';
      } else if (attempt.outcomes.some((o) => o.status === 'delivered')) {
        available = 'available';
      }
      logger.debug('smtp send finished', { id: message.id, outcomes: attempt.outcomes.map((o) => o.status) });
      return toMaskedOutcomes(attempt.outcomes, current.auth);
    },
  };
}
