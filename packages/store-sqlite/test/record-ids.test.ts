import { describe, expect, it } from 'vitest';
import { newRecordId, toUuidV7 } from '../src/record-ids.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('toUuidV7', () => {
  // Expected: the uuid package's v7({ random, msecs, seq }) for the same input (uuid 14.0.3).
  it('lays out time, counter and random bits as uuid v7 does', () => {
    const random = Uint8Array.from({ length: 16 }, (_, i) => (i * 37 + 11) & 0xff);
    expect(toUuidV7(1764700000123, 0x7abcdef1, random)).toBe('019ae051-0f7b-77ab-b37b-c5a2c7ec1136');
    expect(toUuidV7(0, 0, random)).toBe('00000000-0000-7000-8000-01a2c7ec1136');
    expect(toUuidV7(281474976710655, -1, new Uint8Array(16).fill(255))).toBe('ffffffff-ffff-7fff-bfff-ffffffffffff');
  });
});

describe('newRecordId', () => {
  it('gives UUIDv7 ids that sort in the order they were made', () => {
    const ids = Array.from({ length: 5000 }, () => newRecordId());
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
