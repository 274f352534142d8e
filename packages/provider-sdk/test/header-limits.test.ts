import { describe, expect, it } from 'vitest';
import { fitsHeaderLimits, MAX_HEADER_BLOCK_CHARS, MAX_HEADER_FIELDS, measureHeaders } from '../src/index.js';

describe('header limits', () => {
  it('measures fields and the characters of names and values together', () => {
    expect(measureHeaders({})).toEqual({ fields: 0, chars: 0 });
    expect(measureHeaders({ 'X-Tag': 'a', 'X-Other': 'bcd' })).toEqual({ fields: 2, chars: 5 + 1 + 7 + 3 });
  });

  it('fits up to the limits exactly and not one past either', () => {
    const fields = (n: number): Record<string, string> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`X-F${i}`, 'v']));
    expect(fitsHeaderLimits(fields(MAX_HEADER_FIELDS))).toBe(true);
    expect(fitsHeaderLimits(fields(MAX_HEADER_FIELDS + 1))).toBe(false);
    expect(fitsHeaderLimits({ 'X-Big': 'v'.repeat(MAX_HEADER_BLOCK_CHARS - 'X-Big'.length) })).toBe(true);
    expect(fitsHeaderLimits({ 'X-Big': 'v'.repeat(MAX_HEADER_BLOCK_CHARS - 'X-Big'.length + 1) })).toBe(false);
  });
});
