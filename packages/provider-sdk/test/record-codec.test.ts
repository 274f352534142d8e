import { describe, expect, it } from 'vitest';
import { decodeEnvelopeRecord, decodeMessageRow, decodePartsRecord, isUndecodableRecord, type MessageRecordRow, type RecipientRecordRow } from '../src/index.js';
import { DECODABLE_RECORDS, UNDECODABLE_RECORDS, makeEnvelope } from '../src/testing/index.js';

const decode = { envelope: decodeEnvelopeRecord, parts: decodePartsRecord };

function judge(field: 'envelope' | 'parts', stored: unknown): 'served' | 'quarantined' {
  try {
    decode[field](stored);
    return 'served';
  } catch (error) {
    if (!isUndecodableRecord(error)) throw error;
    return 'quarantined';
  }
}

describe('record codec', () => {
  it('judges a record the same whether stored as JSON text or as parsed JSON', () => {
    for (const sample of UNDECODABLE_RECORDS) {
      expect([judge(sample.field, sample.value), judge(sample.field, JSON.stringify(sample.value))], sample.name).toEqual(['quarantined', 'quarantined']);
    }
    for (const sample of DECODABLE_RECORDS) {
      expect([judge(sample.field, sample.value), judge(sample.field, JSON.stringify(sample.value))], sample.name).toEqual(['served', 'served']);
    }
    expect(judge('envelope', '{not json')).toBe('quarantined');
  });

  it('decodes a message row and its recipients, and refuses an unknown state or role', () => {
    const row: MessageRecordRow = { id: 'm1', idempotency_key: null, envelope: JSON.stringify(makeEnvelope()), parts: [], size: 0, submitted_at: 1, expires_at: 2, finished_at: null };
    const recipient: RecipientRecordRow = {
      idx: 0, recipient: { type: 't', address: 'a' }, role: 'to', provider: 'p1', state: 'queued', attempts: 0, next_attempt_at: 1, last_error: null, updated_at: 1,
    };
    expect(decodeMessageRow(row, [recipient])).toEqual({
      id: 'm1', envelope: makeEnvelope(), parts: [], size: 0, submittedAt: 1, expiresAt: 2,
      recipients: [{ index: 0, recipient: { type: 't', address: 'a' }, role: 'to', provider: 'p1', state: 'queued', attempts: 0, nextAttemptAt: 1, updatedAt: 1 }],
    });
    for (const bad of [{ state: 'lost' }, { role: 'reply-to' }, { last_error: { code: 'x' } }]) {
      let error: unknown;
      try {
        decodeMessageRow(row, [{ ...recipient, ...bad }]);
      } catch (e) {
        error = e;
      }
      expect(isUndecodableRecord(error), JSON.stringify(bad)).toBe(true);
    }
  });
});
