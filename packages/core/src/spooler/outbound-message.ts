import { readWholePart, type AssignedRecipient, type Claim, type MessageStore, type OutboundMessage, type StoredMessage } from '@xport/provider-sdk';
import type { VerpCodec } from './verp-token.js';

/** A stored message as a transport sees it: content streamed (or, for small parts, read whole) from the store on demand. */
export function toOutboundMessage(stored: StoredMessage, store: MessageStore): OutboundMessage {
  return {
    id: stored.id,
    envelope: stored.envelope,
    recipients: stored.recipients.map((r) => ({ recipient: r.recipient, role: r.role })),
    parts: stored.parts,
    size: stored.size,
    submittedAt: stored.submittedAt,
    openPart: (partId) => store.openPart(partId),
    // The store's own readPart when it has one, else its stream collected.
    readPart: (partId) => readWholePart(store, partId),
  };
}

/**
 * The recipients a transport is handed: only its own claims, with their index in the message, and
 * with VERP on, each its own return path. A message without a sender, or a report (sent from the
 * null reverse path), gets none: there is no one a bounce could be about.
 */
export function toAssignedRecipients(claims: readonly Claim[], stored?: Pick<StoredMessage, 'id' | 'envelope'>, verp?: VerpCodec): AssignedRecipient[] {
  const returnPaths = verp !== undefined && stored !== undefined && stored.envelope.from !== undefined && stored.envelope.kind === 'note';
  return claims.map((c) => {
    const assigned: { -readonly [K in keyof AssignedRecipient]: AssignedRecipient[K] } = { index: c.recipientIndex, recipient: c.recipient, role: c.role, attempts: c.attempts };
    const returnPath = returnPaths ? verp.returnPathOf(stored.id, c.recipientIndex) : undefined;
    if (returnPath !== undefined) assigned.returnPath = returnPath;
    return assigned;
  });
}
