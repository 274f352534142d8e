import type { AssignedRecipient, Claim, MessageStore, OutboundMessage, StoredMessage } from '@xport/provider-sdk';

/** A stored message as a transport sees it: content streamed from the store on demand. */
export function toOutboundMessage(stored: StoredMessage, store: MessageStore): OutboundMessage {
  return {
    id: stored.id,
    envelope: stored.envelope,
    recipients: stored.recipients.map((r) => ({ recipient: r.recipient, role: r.role })),
    parts: stored.parts,
    size: stored.size,
    submittedAt: stored.submittedAt,
    openPart: (partId) => store.openPart(partId),
  };
}

/** The recipients a transport is handed: only its own claims, with their index in the message. */
export function toAssignedRecipients(claims: readonly Claim[]): AssignedRecipient[] {
  return claims.map((c) => ({ index: c.recipientIndex, recipient: c.recipient, role: c.role, attempts: c.attempts }));
}
