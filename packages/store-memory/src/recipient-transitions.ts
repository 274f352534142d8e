import { applyRecipientTransition, recipientTransition, type ClaimResult } from '@xport/provider-sdk';
import { toFrozenError, type MemoryRecipient } from './memory-records.js';

/**
 * Stores a claim result on an in-flight recipient (the lease has been checked): the SDK decides the
 * next state, attempts, due time and diagnostic; this only writes them and drops the lease.
 */
export function applyClaimResult(recipient: MemoryRecipient, result: ClaimResult, now: number): void {
  const transition = recipientTransition(result);
  const next = applyRecipientTransition(recipient, transition, now);
  recipient.state = next.state;
  recipient.provider = next.provider;
  if (transition.destination !== undefined) recipient.destination = transition.destination;
  recipient.attempts = next.attempts;
  recipient.nextAttemptAt = next.nextAttemptAt;
  if (next.lastError !== recipient.lastError && next.lastError !== undefined) recipient.lastError = toFrozenError(next.lastError);
  recipient.updatedAt = next.updatedAt;
  recipient.leaseId = undefined;
  recipient.leaseExpiresAt = null;
}
