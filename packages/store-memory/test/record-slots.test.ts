import { describe, expect, it } from 'vitest';
import { RecordSlots } from '../src/record-slots.js';

function filled(count: number): { slots: RecordSlots<string>; ids: string[] } {
  const slots = new RecordSlots<string>(4);
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const id = slots.nextId();
    slots.add(id, `record ${i}`);
    ids.push(id);
  }
  return { slots, ids };
}

describe('record slots', () => {
  it('finds a record by the id it was filed under, and by no other string', () => {
    const { slots, ids } = filled(40);
    expect(new Set(ids).size).toBe(40);
    expect(ids.map((id) => slots.get(id))).toEqual(Array.from({ length: 40 }, (_, i) => `record ${i}`));
    // Ids are a four-character prefix and a base-36 counter: record 20 is number 21, "l".
    const id = ids[20]!;
    const [prefix, counter] = [id.slice(0, 4), id.slice(4)];
    expect(counter).toBe('l');
    for (const forged of [`${prefix}0l`, `${prefix}L`, `${id}0`, `${id}-`, `${prefix}zz`, prefix, '', 'no-such-record', `x${id}`]) {
      expect(slots.get(forged)).toBeUndefined();
    }
    expect(filled(40).slots.get(id)).toBeUndefined();
  });

  it('forgets deleted records, and keeps the others reachable when the freed front is trimmed', () => {
    const { slots, ids } = filled(5000);
    // Free most of the front (as purging old sent messages does) and a few slots in the middle.
    for (const id of ids.slice(0, 3000)) slots.delete(id);
    for (const id of ids.slice(4000, 4010)) slots.delete(id);
    slots.delete(ids[0]!);
    for (const id of [...ids.slice(0, 3000), ...ids.slice(4000, 4010)]) expect(slots.get(id)).toBeUndefined();
    for (const i of [3000, 3999, 4010, 4999]) expect(slots.get(ids[i]!)).toBe(`record ${i}`);
    expect([...slots.values()]).toHaveLength(1990);
    expect([...slots.values()][0]).toBe('record 3000');
    const later = slots.nextId();
    slots.add(later, 'later');
    expect(ids).not.toContain(later);
    expect(slots.get(later)).toBe('later');
  });
});
