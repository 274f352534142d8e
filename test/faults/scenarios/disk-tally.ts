import { XportError, type MessageStore } from '@xport/provider-sdk';

/** What a run of submits came to: the ids accepted, and the refusals with their codes. */
export interface SubmitTally {
  accepted: string[];
  rejected: number;
  /** Codes of the rejections (all must be XPORT_STORE_FULL). */
  codes: Set<string>;
  firstMessage?: string;
}

export const newTally = (): SubmitTally => ({ accepted: [], rejected: 0, codes: new Set() });

/** A message body of `bytes` bytes that starts with its number. */
export const diskBody = (n: number, bytes: number): string => `${n} `.padEnd(bytes, 'x');

/** Submits until `stopAfterRejections` submits in a row were refused (or `limit` submits); records what was accepted. */
export async function submitWhileAccepted(submitOne: (n: number) => Promise<{ messageId: string }>, tally: SubmitTally, stopAfterRejections: number, limit = 100_000): Promise<void> {
  let inARow = 0;
  for (let n = 0; n < limit && inARow < stopAfterRejections; n++) {
    try {
      tally.accepted.push((await submitOne(n)).messageId);
      inARow = 0;
    } catch (error) {
      tally.rejected += 1;
      tally.codes.add(XportError.is(error) ? error.code : String(error));
      tally.firstMessage ??= (error as Error).message;
      inARow += 1;
    }
  }
}

/** Accepted messages that are gone or have a recipient that failed or expired. */
export async function lostOf(store: MessageStore, ids: readonly string[]): Promise<number> {
  let lost = 0;
  for (const id of ids) {
    const m = await store.getMessage(id);
    if (m === undefined || m.recipients.some((r) => r.state === 'failed' || r.state === 'expired')) lost += 1;
  }
  return lost;
}

/** Accepted messages whose every recipient is delivered. */
export async function deliveredOf(store: MessageStore, ids: readonly string[]): Promise<number> {
  let delivered = 0;
  for (const id of ids) if ((await store.getMessage(id))?.recipients.every((r) => r.state === 'delivered')) delivered += 1;
  return delivered;
}
