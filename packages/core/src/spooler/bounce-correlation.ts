import {
  BOUNCE_CANDIDATES,
  fromDsnAddress,
  toMailboxKey,
  type BounceStore,
  type DeliveryStatusRecipient,
  type RecipientError,
  type StoredMessage,
} from '@xport/provider-sdk';
import type { SpoolerHost } from './host.js';
import type { RecognisedDsn } from './inbound-bounce.js';

/** Which key tied a bounce to the recipient: VERP first, then ENVID, then the original Message-ID. */
export type CorrelationKey = 'verp' | 'envelope-id' | 'message-id';

/** One failed recipient of an inbound DSN, tied to the recipient of a message xport sent. */
export interface CorrelatedFailure {
  readonly message: StoredMessage;
  readonly recipientIndex: number;
  readonly error: RecipientError;
  readonly via: CorrelationKey;
  /** The DSN's block it came from. */
  readonly block: DeliveryStatusRecipient;
}

type CorrelationHost = Pick<SpoolerHost, 'store' | 'verp'>;

const errorOf = (block: DeliveryStatusRecipient): RecipientError => ({ code: block.status, diagnostic: block.diagnosticCode?.value ?? '' });

/** The mailbox keys a DSN block names its recipient by: Final-Recipient, and Original-Recipient (the ORCPT the relay passed on). */
function keysOf(block: DeliveryStatusRecipient): string[] {
  const keys: string[] = [];
  for (const value of [block.finalRecipient, block.originalRecipient]) {
    const recipient = value === undefined ? undefined : fromDsnAddress(value);
    if (recipient !== undefined) keys.push(toMailboxKey(recipient));
  }
  return keys;
}

/** The index of the message's recipient a block names, or -1. */
function findRecipient(message: StoredMessage, block: DeliveryStatusRecipient): number {
  const keys = keysOf(block);
  return message.recipients.findIndex((r) => keys.includes(toMailboxKey(r.recipient)));
}

/** True when a bounce came to a VERP return path whose token xport did not write (forged, or mangled): nothing in it is trusted. */
export function isForgedReturnPath(host: CorrelationHost, dsn: RecognisedDsn): boolean {
  return dsn.verpToken !== undefined && host.verp !== undefined && host.verp.read(dsn.verpToken) === undefined;
}

/** Messages a key names: an ENVID may be the xport message id (the relay passes it when the sender gave none). */
async function candidates(host: CorrelationHost, bounces: BounceStore, dsn: RecognisedDsn, via: 'envelope-id' | 'message-id'): Promise<StoredMessage[]> {
  const ids: string[] = [];
  if (via === 'envelope-id' && dsn.envelopeId !== undefined) {
    ids.push(dsn.envelopeId);
    ids.push(...(await bounces.findMessagesByKey({ envelopeId: dsn.envelopeId }, BOUNCE_CANDIDATES)));
  }
  if (via === 'message-id' && dsn.originalMessageId !== undefined) ids.push(...(await bounces.findMessagesByKey({ messageId: dsn.originalMessageId }, BOUNCE_CANDIDATES)));
  const messages: StoredMessage[] = [];
  for (const id of new Set(ids)) {
    const message = await host.store.getMessage(id);
    if (message !== undefined && message.envelope.kind === 'note') messages.push(message);
  }
  return messages;
}

/**
 * Ties each failed recipient of a recognised bounce to the recipient xport sent: by its VERP token
 * (authenticated: a bounce to a return path whose token xport did not write ties nothing at all), else by its ENVID, else by the original
 * Message-ID — each naming messages still in the store (queued, or sent within the sent-history
 * retention), in which the DSN block's Final-Recipient (or Original-Recipient) names the recipient.
 * Failed blocks nothing ties are left out: the bounce stays in the bounce mailbox for an operator.
 * Needs the store's optional `bounces` capability; without it nothing is correlated.
 *
 * @example
 * const failures = await correlateBounce(host, dsn); // [{ message, recipientIndex: 0, error: { code: '5.1.1', ... }, via: 'verp', block }]
 */
export async function correlateBounce(host: CorrelationHost, dsn: RecognisedDsn): Promise<CorrelatedFailure[]> {
  const bounces = host.store.bounces;
  const failed = dsn.status.recipients.filter((r) => r.action === 'failed');
  if (bounces === undefined || failed.length === 0) return [];
  const out: CorrelatedFailure[] = [];
  const open = new Set(failed);
  if (isForgedReturnPath(host, dsn)) return [];
  const target = dsn.verpToken === undefined ? undefined : host.verp?.read(dsn.verpToken);
  if (target !== undefined) {
    const message = await host.store.getMessage(target.messageId);
    if (message !== undefined && message.recipients[target.recipientIndex] !== undefined) {
      // A VERP return path is one recipient's: the block that names it, else the first failure.
      const block = failed.find((b) => findRecipient(message, b) === target.recipientIndex) ?? failed[0]!;
      out.push({ message, recipientIndex: target.recipientIndex, error: errorOf(block), via: 'verp', block });
      open.delete(block);
    }
  }
  for (const via of ['envelope-id', 'message-id'] as const) {
    if (open.size === 0) break;
    const messages = await candidates(host, bounces, dsn, via);
    for (const block of [...open]) {
      // Several messages may share a sender's ENVID: the newest whose recipient is still delivered, else the newest naming it.
      const named = messages.map((message) => ({ message, index: findRecipient(message, block) })).filter((m) => m.index >= 0);
      const chosen = named.find((m) => m.message.recipients[m.index]!.state === 'delivered') ?? named[0];
      if (chosen === undefined) continue;
      out.push({ message: chosen.message, recipientIndex: chosen.index, error: errorOf(block), via, block });
      open.delete(block);
    }
  }
  return out;
}
