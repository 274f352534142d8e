import { toMailboxKey, type RecipientRole } from '@xport/provider-sdk';
import type { DraftRecipient } from './validate-message.js';

const RANK: Readonly<Record<RecipientRole, number>> = { to: 0, cc: 1, bcc: 2 };

/**
 * Merges recipients listed more than once in one message, the same rule for every transport: two
 * entries are one recipient when their canonical mailbox keys are equal (`toMailboxKey`: the address
 * type, and for SMTP the domain in lower-case ASCII; local parts as given). The merged recipient
 * keeps the place and the display name of its first entry and the most visible role (to, then cc,
 * then bcc), so an address in To and Bcc is not hidden and nobody gets the message twice.
 *
 * @example
 * mergeDuplicateRecipients([{ recipient: b, role: 'bcc' }, { recipient: a, role: 'to' }, { recipient: b, role: 'to' }])
 * // [{ recipient: b, role: 'to' }, { recipient: a, role: 'to' }]
 */
export function mergeDuplicateRecipients(recipients: readonly DraftRecipient[]): readonly DraftRecipient[] {
  // One recipient, the usual case: nothing to compare.
  if (recipients.length < 2) return recipients;
  const merged: DraftRecipient[] = [];
  const at = new Map<string, number>();
  for (const entry of recipients) {
    const key = toMailboxKey(entry.recipient);
    const seen = at.get(key);
    if (seen === undefined) {
      at.set(key, merged.length);
      merged.push(entry);
    } else if (RANK[entry.role] < RANK[merged[seen]!.role]) {
      merged[seen] = { recipient: merged[seen]!.recipient, role: entry.role };
    }
  }
  return merged.length === recipients.length ? recipients : merged;
}
