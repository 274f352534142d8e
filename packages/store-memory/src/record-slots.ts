import { RecordIds } from './record-ids.js';

/**
 * Records under ids the store makes (a random prefix, then a base-36 counter): an id names its slot,
 * so filing and finding a record index an array instead of probing a hash table that grows with
 * every message. Slots freed at the front (purged sent messages, oldest first) are trimmed in
 * batches; a slot freed elsewhere costs its two array cells until then.
 */
export class RecordSlots<T> {
  private readonly recordIds: RecordIds;
  private ids: Array<string | undefined> = [];
  private records: Array<T | undefined> = [];
  /** The counter of slot 0. */
  private first = 1;
  /** How many slots at the front are free. */
  private freeAtFront = 0;

  /** `randomChars`: length of the random prefix (a multiple of 4). */
  constructor(randomChars: number) {
    this.recordIds = new RecordIds(randomChars);
  }

  /** The id the next record added gets. */
  nextId(): string {
    return this.recordIds.idOf(this.first + this.ids.length);
  }

  /** Files a record under the id `nextId()` gave. */
  add(id: string, record: T): void {
    this.ids.push(id);
    this.records.push(record);
  }

  get(id: string): T | undefined {
    const slot = this.slotOf(id);
    return slot < 0 ? undefined : this.records[slot];
  }

  delete(id: string): void {
    const slot = this.slotOf(id);
    if (slot < 0) return;
    this.ids[slot] = undefined;
    this.records[slot] = undefined;
    while (this.freeAtFront < this.ids.length && this.ids[this.freeAtFront] === undefined) this.freeAtFront += 1;
    if (this.freeAtFront > 1024 && this.freeAtFront * 2 > this.ids.length) {
      this.ids = this.ids.slice(this.freeAtFront);
      this.records = this.records.slice(this.freeAtFront);
      this.first += this.freeAtFront;
      this.freeAtFront = 0;
    }
  }

  /** Every record, in the order added (a delete during the iteration may or may not be seen). */
  *values(): Generator<T> {
    const records = this.records;
    for (let i = this.freeAtFront; i < records.length; i += 1) {
      const record = records[i];
      if (record !== undefined) yield record;
    }
  }

  /** The slot of a live record, or -1: an id is ours only if its slot still holds that very id. */
  private slotOf(id: string): number {
    const slot = this.recordIds.counterOf(id) - this.first;
    return slot >= 0 && slot < this.ids.length && this.ids[slot] === id ? slot : -1;
  }
}
