import { readWholePart, type AssignedRecipient, type Claim, type MessageStore, type OutboundMessage, type StoredMessage } from '@xport/provider-sdk';

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

/** The recipients a transport is handed: only its own claims, with their index in the message. */
export function toAssignedRecipients(claims: readonly Claim[]): AssignedRecipient[] {
  return claims.map((c) => ({ index: c.recipientIndex, recipient: c.recipient, role: c.role, attempts: c.attempts }));
}
