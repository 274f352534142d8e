/**
 * Stored records every store must judge the same way (the SDK's record codec decides): the
 * undecodable ones are quarantined, the decodable ones served. Used by the store conformance suite
 * and the codec's own tests.
 */
export interface RecordSample {
  readonly name: string;
  readonly field: 'envelope' | 'parts';
  /** The JSON value written in place of the stored field. */
  readonly value: unknown;
}

const envelope = { headers: {}, kind: 'note', deliveryReport: false, suppressNdr: false };
const part = { partId: 'p-1', kind: 'text', contentType: 'text/plain', size: 5 };

export const UNDECODABLE_RECORDS: readonly RecordSample[] = [
  { name: 'envelope without headers', field: 'envelope', value: { kind: 'note', deliveryReport: false, suppressNdr: false } },
  { name: 'envelope whose kind is not a string', field: 'envelope', value: { ...envelope, kind: 7 } },
  { name: 'envelope that is an array', field: 'envelope', value: [envelope] },
  { name: 'part without size', field: 'parts', value: [{ partId: 'p-1', kind: 'text', contentType: 'text/plain' }] },
  { name: 'part whose id is not a string', field: 'parts', value: [{ ...part, partId: 1 }] },
  { name: 'parts that are not an array', field: 'parts', value: { 0: part } },
];

export const DECODABLE_RECORDS: readonly RecordSample[] = [
  { name: 'envelope with a field this version does not know', field: 'envelope', value: { ...envelope, futureField: true } },
  { name: 'no parts', field: 'parts', value: [] },
];
