import { performance } from 'node:perf_hooks';
import type { MessageRow, RecipientRow } from './records.js';

/** A message as the claim statement read it, with every recipient (the claimed ones as leased). */
export type MessageReadAhead = MessageRow & { readonly recipients: RecipientRow[] };

export interface PartReadAhead {
  readonly partId: string;
  readonly data: Buffer;
}

export interface ReadAheadOptions {
  /** Messages kept at most; the oldest go first. */
  readonly maxMessages?: number;
  /** Bytes of part content kept at most; the oldest go first. */
  readonly maxPartBytes?: number;
  /** Entries older than this are never served. */
  readonly maxAgeMs?: number;
  /** Monotonic milliseconds (tests replace it). */
  readonly now?: () => number;
}

interface Entry<T> {
  readonly value: T;
  readonly at: number;
}

// The forget-me list of written messages is dropped past this size; claims begun before then keep nothing.
const MAX_TRACKED_WRITES = 4096;

/**
 * What a claim statement read beside its leases (the message record and small parts), held for the
 * `getMessage` and `openPart` calls the spooler makes right after the claim: each entry is served
 * once, kept briefly and within bounds.
 *
 * Freshness: a claim's snapshot is taken while its statement runs, so a record is kept only when
 * no write of this store to that message was in flight or finished after the claim began (each
 * write is bracketed by `write()`), and a write drops the message's entry. A getMessage therefore
 * never returns a record older than this store's own last write to it. Content never changes once
 * written, so parts are kept unless a purge is in flight or finished since the claim began.
 */
export class ReadAhead {
  private seq = 0;
  /** Claims that began before this sequence keep nothing (a write to unknown messages finished since). */
  private floor = 0;
  private unknownWrites = 0;
  private purges = 0;
  private purgeFloor = 0;
  private readonly writing = new Map<string, number>();
  private readonly written = new Map<string, number>();
  private readonly messages = new Map<string, Entry<MessageReadAhead>>();
  private readonly parts = new Map<string, Entry<Buffer>>();
  private partBytes = 0;
  private readonly maxMessages: number;
  private readonly maxPartBytes: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(options: ReadAheadOptions = {}) {
    this.maxMessages = options.maxMessages ?? 256;
    this.maxPartBytes = options.maxPartBytes ?? 8 * 1024 * 1024;
    this.maxAgeMs = options.maxAgeMs ?? 5_000;
    this.now = options.now ?? (() => performance.now());
  }

  /** Taken just before a claim statement is sent; hand it back to `keep`. */
  ticket(): number {
    return this.seq;
  }

  /**
   * Takes in what a claim statement begun at `ticket` read. `leased` names every message it leased
   * recipients of: the claim itself is a write to them, so older entries for them go.
   */
  keep(ticket: number, leased: readonly string[], messages: readonly MessageReadAhead[], parts: readonly PartReadAhead[]): void {
    const at = this.now();
    this.dropExpired(at);
    const fresh = new Set(messages.filter((m) => this.unchangedSince(ticket, m.id)).map((m) => m.id));
    for (const id of leased) this.finishWrite(id);
    for (const message of messages) {
      if (fresh.has(message.id)) this.messages.set(message.id, { value: message, at });
    }
    while (this.messages.size > this.maxMessages) this.messages.delete(this.messages.keys().next().value!);
    if (this.purges > 0 || ticket < this.purgeFloor) return;
    for (const { partId, data } of parts) {
      if (data.length > this.maxPartBytes || this.parts.has(partId)) continue;
      this.parts.set(partId, { value: data, at });
      this.partBytes += data.length;
    }
    while (this.partBytes > this.maxPartBytes) this.dropPart(this.parts.keys().next().value!);
  }

  /** Marks a write to one message (or, without an id, to messages unknown); call the result when it settles. */
  write(messageId?: string): () => void {
    if (messageId === undefined) {
      this.unknownWrites += 1;
      this.messages.clear();
      return once(() => {
        this.unknownWrites -= 1;
        this.floor = ++this.seq;
        this.messages.clear();
      });
    }
    this.writing.set(messageId, (this.writing.get(messageId) ?? 0) + 1);
    this.messages.delete(messageId);
    return once(() => {
      const left = (this.writing.get(messageId) ?? 1) - 1;
      if (left > 0) this.writing.set(messageId, left);
      else this.writing.delete(messageId);
      this.finishWrite(messageId);
    });
  }

  /** Marks a write that deletes content (a purge): parts read before it settles are not kept. */
  purge(): () => void {
    const done = this.write();
    this.purges += 1;
    this.parts.clear();
    this.partBytes = 0;
    return once(() => {
      done();
      this.purges -= 1;
      this.purgeFloor = this.seq;
      this.parts.clear();
      this.partBytes = 0;
    });
  }

  /** The record read with the claim, once; undefined when there is none (or no longer a fresh one). */
  takeMessage(messageId: string): MessageReadAhead | undefined {
    const entry = this.messages.get(messageId);
    if (!entry) return undefined;
    this.messages.delete(messageId);
    return this.now() - entry.at <= this.maxAgeMs ? entry.value : undefined;
  }

  /** A small part's content read with the claim, once. */
  takePart(partId: string): Buffer | undefined {
    const entry = this.parts.get(partId);
    if (!entry) return undefined;
    this.dropPart(partId);
    return this.now() - entry.at <= this.maxAgeMs ? entry.value : undefined;
  }

  clear(): void {
    this.messages.clear();
    this.parts.clear();
    this.partBytes = 0;
  }

  private unchangedSince(ticket: number, messageId: string): boolean {
    return this.unknownWrites === 0 && ticket >= this.floor && !this.writing.has(messageId) && (this.written.get(messageId) ?? -1) <= ticket;
  }

  private finishWrite(messageId: string): void {
    this.seq += 1;
    this.messages.delete(messageId);
    this.written.delete(messageId);
    this.written.set(messageId, this.seq);
    if (this.written.size > MAX_TRACKED_WRITES) {
      this.written.clear();
      this.floor = this.seq;
    }
  }

  private dropExpired(now: number): void {
    for (const [id, entry] of this.messages) {
      if (now - entry.at <= this.maxAgeMs) break;
      this.messages.delete(id);
    }
    for (const [id, entry] of this.parts) {
      if (now - entry.at <= this.maxAgeMs) break;
      this.dropPart(id);
    }
  }

  private dropPart(partId: string): void {
    const entry = this.parts.get(partId);
    if (!entry) return;
    this.parts.delete(partId);
    this.partBytes -= entry.value.length;
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
