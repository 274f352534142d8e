import type { Recipient, TransportProvider } from '@xport/provider-sdk';

/**
 * The destination a transport names for a recipient (`destinationOf`); the recipient's address type
 * when it names none, or its answer is not a non-empty string, or it throws.
 */
export function destinationOf(transport: TransportProvider | undefined, recipient: Recipient): string {
  if (transport?.destinationOf === undefined) return recipient.type;
  try {
    const name = transport.destinationOf(recipient);
    return typeof name === 'string' && name !== '' ? name : recipient.type;
  } catch {
    return recipient.type;
  }
}
