import type { SentMessageKey } from '@xport/provider-sdk';
import type { MemoryMessage } from './memory-records.js';

function toIndexKey(key: SentMessageKey): string {
  return 'envelopeId' in key ? `e\n${key.envelopeId}` : `m\n${key.messageId}`;
}

/** The messages of the outbox and sent folder by their bounce keys: ENVID and Message-ID. */
export class SentKeyIndex {
  private readonly byKey = new Map<string, MemoryMessage[]>();

  add(message: MemoryMessage): void {
    for (const key of this.keysOf(message)) {
      const list = this.byKey.get(key);
      if (list === undefined) this.byKey.set(key, [message]);
      else list.push(message);
    }
  }

  remove(message: MemoryMessage): void {
    for (const key of this.keysOf(message)) {
      const rest = (this.byKey.get(key) ?? []).filter((m) => m !== message);
      if (rest.length === 0) this.byKey.delete(key);
      else this.byKey.set(key, rest);
    }
  }

  /** Newest first (submit order backwards), at most `limit`. */
  find(key: SentMessageKey, limit: number): MemoryMessage[] {
    const list = this.byKey.get(toIndexKey(key)) ?? [];
    return list.slice(-limit).reverse();
  }

  private keysOf(message: MemoryMessage): string[] {
    const keys: string[] = [];
    const envelopeId = message.envelope.dsn?.envelopeId;
    if (envelopeId !== undefined) keys.push(toIndexKey({ envelopeId }));
    if (message.envelope.messageId !== undefined) keys.push(toIndexKey({ messageId: message.envelope.messageId }));
    return keys;
  }
}
