import { XportError, type AssignedRecipient, type Logger, type OutboundMessage, type ProviderContext, type RecipientOutcome, type TransportSide } from '@xport/provider-sdk';
import type { ResolvedRelayConfig, SmtpConfig } from './config.js';
import { toDkimOptions } from './dkim-signing.js';
import { loadPem } from './pem-source.js';
import { probeRelayCapabilities, type RelayCapabilities } from './relay-capabilities.js';
import { toMaskedOutcomes, toRelayAuth, type RelayAuth } from './relay-auth.js';
import { toLogonError } from './relay-logon.js';
import { sendInTransactions } from './relay-dsn.js';
import { installRcptProbe, type RelayRoute } from './relay-sender.js';
import { createRelayTransporter, mustUseTls, toRelayConnectionOptions } from './relay-transporter.js';
import { asSmtpClientError, isConnectionFailure } from './smtp-error.js';
import { toDiagnostic } from './smtp-reply.js';

interface Relay extends RelayRoute {
  readonly config: ResolvedRelayConfig;
  readonly auth: RelayAuth;
}

/** The sending side of the SMTP transport: the pooled session with the relay. */
export interface RelaySession {
  /** Opens a new pool and verifies it (connect, EHLO, STARTTLS, AUTH); throws the logon error. */
  logon(): Promise<void>;
  send(message: OutboundMessage, recipients: readonly AssignedRecipient[], signal: AbortSignal): Promise<readonly RecipientOutcome[]>;
  /** False after a logon or a send found the relay unreachable or refusing us, until one succeeds. */
  available(): boolean;
  side(): TransportSide;
  close(): void;
}

type SideError = NonNullable<TransportSide['error']>;

/**
 * The relay session for `relay` in a provider context. Credentials (the DKIM key too) are read at
 * each logon, so a rotated secret is picked up; the capability probe is asked once per logon (see
 * relay-capabilities.ts), and what happened last is kept for `side()`.
 */
export function createRelaySession(context: ProviderContext<SmtpConfig>, relayConfig: ResolvedRelayConfig): RelaySession {
  const { logger, credentials, info } = context;
  const name = `${relayConfig.host}:${relayConfig.port}`;
  let relay: Relay | undefined;
  // A relay being opened for sends that came before any logon: they share it (two would leak a pool).
  let opening: Promise<Relay> | undefined;
  let reachable = true;
  let verified = false;
  let lastError: SideError | undefined;

  mustUseTls(relayConfig, toRelayAuth(credentials, relayConfig.authMethod));

  async function openRelay(): Promise<Relay> {
    const auth = toRelayAuth(credentials, relayConfig.authMethod);
    const ca = relayConfig.ca === undefined ? undefined : await loadPem(relayConfig.ca, '/relay/ca', info.appRoot);
    const dkim = relayConfig.dkim === undefined ? undefined : toDkimOptions(credentials, relayConfig.dkim);
    const transporter = createRelayTransporter(relayConfig, auth, ca, dkim);
    installRcptProbe(transporter);
    const capabilities = askCapabilities(relayConfig, auth, ca, logger);
    return {
      config: relayConfig,
      auth,
      transporter,
      name,
      senderDomain: relayConfig.senderDomain,
      offersSmtpUtf8: async () => (await capabilities()).smtpUtf8,
      offersDsn: async () => (await capabilities()).dsn,
    };
  }

  function relayForSend(): Promise<Relay> {
    if (relay) return Promise.resolve(relay);
    opening ??= openRelay().then(
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

  // The relay refused us or could not be reached; `unreachable` makes availability() say so.
  const down = (error: SideError, unreachable: boolean): void => {
    if (unreachable) reachable = false;
    verified = false;
    lastError = error;
  };

  return {
    async logon() {
      relay?.transporter.close();
      relay = undefined;
      try {
        relay = await openRelay();
      } catch (error) {
        // A credential or CA that cannot be used: refused before the relay is even asked.
        const reported = XportError.is(error) ? error : new XportError('XPORT_LOGON_FAILED', `provider "smtp": relay ${name}: ${String((error as Error)?.message ?? error)}`);
        down({ code: reported.code, message: reported.message }, false);
        throw reported;
      }
      try {
        await relay.transporter.verify();
      } catch (caught) {
        const error = toLogonError(asSmtpClientError(caught), relay.config, relay.auth);
        relay.transporter.close();
        relay = undefined;
        down({ code: error.code, message: error.message }, error.code === 'XPORT_PROVIDER_UNAVAILABLE');
        logger.warn('smtp relay logon failed', { code: error.code, ...error.details });
        throw error;
      }
      reachable = true;
      verified = true;
      lastError = undefined;
      logger.info('smtp relay logon ok', { relay: name });
    },

    async send(message, recipients, signal) {
      const current = await relayForSend();
      const attempt = await sendInTransactions(current, message, recipients, signal);
      if (attempt.error?.code === 'EAUTH') {
        const error = toLogonError(attempt.error, current.config, current.auth);
        down({ code: error.code, message: error.message }, true);
        throw error;
      }
      if (attempt.error && isConnectionFailure(attempt.error)) {
        if (reachable) logger.warn('smtp relay connection failed; transport unavailable', { error: attempt.error.message, smtpError: attempt.error.code });
        const why = current.auth.masker.mask(toDiagnostic(attempt.error.message));
        down({ code: 'XPORT_PROVIDER_UNAVAILABLE', message: `provider "smtp": relay ${name} is unavailable: ${why}` }, true);
      } else if (attempt.outcomes.some((o) => o.status === 'delivered')) {
        reachable = true;
        verified = true;
        lastError = undefined;
      }
      logger.debug('smtp send finished', { id: message.id, outcomes: attempt.outcomes.map((o) => o.status) });
      return toMaskedOutcomes(attempt.outcomes, current.auth);
    },

    available: () => reachable,

    side: () => ({
      name: 'relay',
      state: verified ? 'up' : 'down',
      detail: name,
      ...(lastError === undefined ? {} : { error: lastError }),
    }),

    close() {
      relay?.transporter.close();
      relay = undefined;
      verified = false;
    },
  };
}

/** What the relay offers (SMTPUTF8, DSN), asked when a message first needs to know; a failed probe is asked again. */
function askCapabilities(relayConfig: ResolvedRelayConfig, auth: RelayAuth, ca: string | undefined, logger: Logger): () => Promise<RelayCapabilities> {
  let capabilities: Promise<RelayCapabilities> | undefined;
  return async () => {
    capabilities ??= probeRelayCapabilities(toRelayConnectionOptions(relayConfig, auth, ca)).then(
      (found) => {
        logger.info('smtp relay capabilities', { relay: `${relayConfig.host}:${relayConfig.port}`, smtpUtf8: found.smtpUtf8, dsn: found.dsn });
        return found;
      },
      (error: unknown) => {
        capabilities = undefined;
        throw error;
      },
    );
    return capabilities;
  };
}
