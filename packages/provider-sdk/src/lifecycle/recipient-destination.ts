import type { SubmitRequest } from '../store.js';

/**
 * The destination a store keeps for a submitted recipient: the one the kernel named, else the
 * recipient's address type (what the kernel names when the transport has no `destinationOf`).
 *
 * @example
 * recipientDestination({ recipient: { type: 'smtp', address: 'ada@example.org' }, role: 'to', provider: 'smtp' }); // 'smtp'
 */
export function recipientDestination(entry: SubmitRequest['recipients'][number]): string {
  return entry.destination ?? entry.recipient.type;
}
