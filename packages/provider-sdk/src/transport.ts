import type { Recipient } from './address.js';
import type { InboundMessage, OutboundMessage, AssignedRecipient } from './message.js';
import type { RecipientOutcome } from './outcome.js';
import { brandDefinition, type ProviderContext, type ProviderDefinition, type ProviderLifecycle } from './provider.js';

export interface SendContext {
  /** Aborted when the kernel gives up on this attempt (timeout or stop); stop work and return. */
  readonly signal: AbortSignal;
}

/** Runs before a transport sends, for the address types it registered it for; may rewrite the message. */
export interface Preprocessor {
  readonly addressTypes: readonly string[];
  run(message: OutboundMessage, recipients: readonly AssignedRecipient[]): Promise<OutboundMessage> | OutboundMessage;
}

/** A transport's availability as it sees it; `unavailable` makes its recipients wait without burning attempts. */
export type TransportAvailability = 'available' | 'unavailable';

/** Where one side of a transport stands: working, not working, or not configured. */
export type TransportSideState = 'up' | 'down' | 'off';

/**
 * One side of a transport that works on its own: an SMTP transport's relay (sending) and its
 * listener (receiving), say. The kernel shows the sides in its status table under the provider's
 * row, with `detail` and `error.message` passed through the same secret redactor as `lastError`.
 */
export interface TransportSide {
  /** A short name, such as `relay` or `listener`. */
  readonly name: string;
  readonly state: TransportSideState;
  /** Where it is, for people: `smtp.example.org:587`, `127.0.0.1:2525`. */
  readonly detail?: string;
  /** Why it is down, when it is. */
  readonly error?: { readonly code: string; readonly message: string };
}

/**
 * A transport provider (MAPI's IXPLogon). `send` is handed only the recipients this transport is
 * responsible for, and returns one outcome per recipient, in the same order (or one outcome for all).
 * A thrown error counts as a deferral for every recipient — never a loss.
 */
export interface TransportProvider extends ProviderLifecycle {
  send(
    message: OutboundMessage,
    recipients: readonly AssignedRecipient[],
    context: SendContext,
  ): Promise<readonly RecipientOutcome[] | RecipientOutcome>;
  readonly preprocessors?: readonly Preprocessor[];
  /**
   * Polled by the kernel to notice a transport that lost its connection; omit if always available
   * once started. `unavailable` makes the kernel take the transport offline (its recipients wait, no
   * attempt burned) and call `logon()` again with backoff until one succeeds.
   */
  availability?(): TransportAvailability;
  /**
   * The transport's sides, for the status table; omit when it has only one. A transport whose
   * receiving does not depend on its logon (a listener beside a relay session) starts receiving in
   * `logon()` before it does what can fail, and reports here that it receives while the kernel
   * shows it `logon-failed` or `offline`. Called often: return what is known, do no I/O.
   *
   * @example
   * sides: () => [
   *   { name: 'relay', state: relayUp ? 'up' : 'down', detail: 'smtp.example.org:587' },
   *   { name: 'listener', state: 'up', detail: '127.0.0.1:2525' },
   * ],
   */
  sides?(): readonly TransportSide[];
  /**
   * The destination a recipient's mail goes to through this transport: the kernel limits and slows
   * sends per destination (`limits.perDestination`), so one slow or throttling destination does not
   * hold up the others. Recipients of one message with different destinations are sent in separate
   * calls. Omit it and every recipient's destination is its address type. Called for every claimed
   * recipient: return a short stable name (a domain, a relay's `host:port`), do no I/O.
   *
   * @example
   * destinationOf: (recipient) => recipient.address.slice(recipient.address.lastIndexOf('@') + 1).toLowerCase(),
   */
  destinationOf?(recipient: Recipient): string;
  /** Set by the kernel when the transport may start receiving. */
  readonly receives?: boolean;
}

export type TransportDefinition<Config> = ProviderDefinition<'transport', TransportProvider> & {
  create(context: ProviderContext<Config>): TransportProvider | Promise<TransportProvider>;
};

/**
 * Defines a transport provider module. Default-export the result from the manifest's `entry`.
 *
 * @example
 * export default defineTransportProvider<{ prefix: string }>({
 *   create: ({ config, logger }) => ({
 *     async send(message, recipients) {
 *       logger.info('sending', { id: message.id, to: recipients.length });
 *       return recipients.map(() => outcome.delivered());
 *     },
 *   }),
 * });
 */
export function defineTransportProvider<Config = Record<string, unknown>>(definition: {
  create(context: ProviderContext<Config>): TransportProvider | Promise<TransportProvider>;
}): TransportDefinition<Config> {
  return brandDefinition({ kind: 'transport', create: definition.create } as TransportDefinition<Config>);
}

export type { InboundMessage };
