import { asyncBounceTransition, type AsyncBounce, type AsyncBounceReceipt, type BounceStore, type SentMessageKey } from '@xport/provider-sdk';
import type { MemoryOutbox } from './memory-outbox.js';

/** Bounce correlation over the memory outbox: its key index, and the async bounce transition. */
export class MemoryBounces implements BounceStore {
  constructor(
    private readonly outbox: MemoryOutbox,
    private readonly ready: () => void,
  ) {}

  async findMessagesByKey(key: SentMessageKey, limit: number): Promise<string[]> {
    this.ready();
    return this.outbox.sentKeys.find(key, limit).map((m) => m.id);
  }

  /** Runs without awaiting, so it is atomic like every outbox write. */
  async failDelivered(bounce: AsyncBounce): Promise<AsyncBounceReceipt> {
    this.ready();
    const recipient = this.outbox.find(bounce.messageId)?.recipients[bounce.recipientIndex];
    if (recipient === undefined) return { failed: false };
    const before = recipient.state;
    const transition = asyncBounceTransition(before, bounce.error);
    if (transition === undefined) return { failed: false, before };
    this.outbox.applyAsyncBounce(recipient, transition, bounce.now);
    return { failed: true, before };
  }
}
