import { formatRecipient, type Recipient, type RecipientError, type RecipientRole } from '@xport/provider-sdk';
import type { RoutingView } from './host.js';
import { SpoolerEnhancedStatus } from './enhanced-status.js';

export interface RoutedRecipient {
  readonly recipient: Recipient;
  readonly role: RecipientRole;
  readonly provider: string | null;
  readonly state: 'queued' | 'failed';
  readonly lastError?: RecipientError;
}

/** The diagnostic for a recipient whose address type no transport handles. */
export function noTransportError(recipient: Recipient): RecipientError {
  return {
    code: SpoolerEnhancedStatus.noTransport,
    diagnostic: `no transport for address type ${recipient.type} (recipient ${formatRecipient(recipient)})`,
  };
}

/**
 * Gives each recipient its first-choice transport for its address type (transport order), or none:
 * such a recipient is failed at once and gets an NDR.
 *
 * @example
 * routeRecipients([{ recipient: { type: 'fax', address: '1' }, role: 'to' }], routing) // [{ provider: null, state: 'failed', ... }]
 */
export function routeRecipients(
  recipients: ReadonlyArray<{ readonly recipient: Recipient; readonly role: RecipientRole }>,
  routing: RoutingView,
): RoutedRecipient[] {
  return recipients.map(({ recipient, role }) => {
    const provider = routing.providersFor(recipient.type)[0];
    if (provider === undefined) return { recipient, role, provider: null, state: 'failed', lastError: noTransportError(recipient) };
    return { recipient, role, provider, state: 'queued' };
  });
}

/**
 * The transport that gets a recipient after `current` answered not-me: the next one in transport
 * order for its type, or null when none is left.
 */
export function nextProviderAfter(routing: RoutingView, addressType: string, current: string): string | null {
  const order = routing.providersFor(addressType);
  const at = order.indexOf(current);
  if (at < 0) return order.find((id) => id !== current) ?? null;
  return order[at + 1] ?? null;
}
