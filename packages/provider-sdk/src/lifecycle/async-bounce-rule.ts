import type { MessageEnvelope } from '../message.js';
import type { RecipientError, RecipientState } from '../store.js';

/** The state an asynchronous bounce applies to: only a recipient the transport reported delivered. */
export const ASYNC_BOUNCE_FROM: RecipientState = 'delivered';

/** What an asynchronous bounce does to a recipient: it becomes `failed` with the bounce's error. */
export interface AsyncBounceTransition {
  readonly state: 'failed';
  readonly lastError: RecipientError;
  /** The event it owes, written in the same transaction. */
  readonly event: 'bounced';
}

/**
 * The lifecycle's "async bounce" transition: a relay accepted the recipient (`delivered`) and later
 * sent a bounce that says it failed. Undefined — nothing changes — for every other state: a
 * recipient still waiting or in flight is settled by its own send, and one already final stays as it
 * is, so the same bounce applied twice changes nothing the second time. Every store calls this; none
 * decides the transition of its own.
 *
 * @example
 * asyncBounceTransition('delivered', { code: '5.1.1', diagnostic: '550 5.1.1 user unknown' });
 * // { state: 'failed', lastError: { code: '5.1.1', diagnostic: '550 5.1.1 user unknown' }, event: 'bounced' }
 * asyncBounceTransition('failed', { code: '5.1.1', diagnostic: '...' }); // undefined
 */
export function asyncBounceTransition(current: RecipientState, error: RecipientError): AsyncBounceTransition | undefined {
  return current === ASYNC_BOUNCE_FROM ? { state: 'failed', lastError: error, event: 'bounced' } : undefined;
}

/** The most messages a bounce's key may name that the kernel looks through for its recipient. */
export const BOUNCE_CANDIDATES = 20;

/**
 * The keys a stored message can be found by when a bounce comes back (`BounceStore.findMessagesByKey`):
 * its ENVID (`envelope.dsn.envelopeId`) and its Message-ID (`envelope.messageId`), null when absent.
 * SQL stores keep them in indexed columns, written from this.
 *
 * @example
 * sentMessageKeysOf({ messageId: '<a1@example.org>', dsn: { envelopeId: 'q3' }, headers: {}, kind: 'note', deliveryReport: false, suppressNdr: false })
 * // { envelopeId: 'q3', messageId: '<a1@example.org>' }
 */
export function sentMessageKeysOf(envelope: MessageEnvelope): { readonly envelopeId: string | null; readonly messageId: string | null } {
  return { envelopeId: envelope.dsn?.envelopeId ?? null, messageId: envelope.messageId ?? null };
}
