import { Readable } from 'node:stream';

/** A part's content as the memory store holds it: a string as it was given, one buffer, or the chunks it streamed in as. */
export type HeldContent = string | Buffer | readonly Buffer[];

/**
 * Streams held content: one push per held chunk, with no closure or async iteration per open. Every
 * chunk pushed is a fresh buffer, so a reader that writes into it cannot change the stored part: a
 * string is encoded here (a body stored and read once is encoded once), bytes are copied.
 */
export class PartStream extends Readable {
  private next = 0;

  constructor(private readonly held: HeldContent) {
    super();
  }

  override _read(): void {
    const held = this.held;
    if (typeof held === 'string' || Buffer.isBuffer(held)) {
      if (this.next++ === 0) this.push(typeof held === 'string' ? Buffer.from(held, 'utf8') : Buffer.from(held));
      this.push(null);
      return;
    }
    this.push(this.next < held.length ? Buffer.from(held[this.next++]!) : null);
  }
}
