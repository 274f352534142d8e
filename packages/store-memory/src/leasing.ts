import { checkCompletionLease, isLeaseExpired, leaseExpiry, type ClaimRequest, type Completion, type StrandedClaim, type StrandedClaimRequest } from '@xport/provider-sdk';
import type { MemoryMessage, MemoryRecipient } from './memory-records.js';
import type { RecordIds } from './record-ids.js';

/** Puts a recipient in flight under a new lease (the SDK's lease rules decide its expiry). */
export function leaseRecipient(recipient: MemoryRecipient, request: ClaimRequest | StrandedClaimRequest, leaseIds: RecordIds): StrandedClaim {
  const leaseId = leaseIds.next();
  const expiresAt = leaseExpiry(request);
  recipient.state = 'in-flight';
  recipient.leaseId = leaseId;
  recipient.leaseOwner = request.owner;
  recipient.leaseExpiresAt = expiresAt;
  recipient.updatedAt = request.now;
  return {
    leaseId,
    messageId: recipient.message.id,
    recipientIndex: recipient.index,
    recipient: recipient.recipient,
    role: recipient.role,
    provider: recipient.provider,
    attempts: recipient.attempts,
    leaseExpiresAt: expiresAt,
  };
}

/** The recipient a completion names, once the SDK's lease check has passed (it throws otherwise). */
export function leasedRecipient(message: MemoryMessage | undefined, completion: Completion): MemoryRecipient {
  const recipient = message?.recipients[completion.recipientIndex];
  checkCompletionLease('memory store', completion, recipient);
  return recipient;
}

/** The recipient of `message` whose lease has not expired at `now` (a send under way), if any. */
export function liveLease(message: MemoryMessage, now: number): MemoryRecipient | undefined {
  return message.recipients.find((r) => r.state === 'in-flight' && r.leaseExpiresAt !== null && !isLeaseExpired(r.leaseExpiresAt, now));
}
