import { describe, expect, it } from 'vitest';
import { createSubmitFingerprint, fingerprintToKeep, resolveRepeatedKey, XportError, type ContentPartInput, type FingerprintInput } from '../src/index.js';
import { makeEnvelope, makeSubmitRequest } from '../src/testing/index.js';

const recipients = [{ recipient: { type: 'smtp', address: 'ada@example.org' }, role: 'to' as const }];

function input(overrides: Partial<FingerprintInput> = {}): FingerprintInput {
  return { envelope: makeEnvelope({ subject: 'hi', headers: { 'X-A': '1', 'X-B': '2' } }), recipients, parts: [{ kind: 'text', contentType: 'text/plain', content: 'hello' }], ...overrides };
}

async function* pieces(...texts: string[]): AsyncGenerator<Uint8Array> {
  for (const text of texts) yield Buffer.from(text);
}

async function drain(parts: readonly ContentPartInput[]): Promise<void> {
  for (const part of parts) if (typeof part.content !== 'string' && !(part.content instanceof Uint8Array)) for await (const chunk of part.content) void chunk;
}

describe('submit fingerprints', () => {
  it('is known at once for content in memory, and the same for the same message whatever the header order', () => {
    const given = input();
    const a = createSubmitFingerprint(given);
    const b = createSubmitFingerprint(input({ envelope: makeEnvelope({ subject: 'hi', headers: { 'X-B': '2', 'X-A': '1' } }) }));
    expect(a.fingerprint.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(b.fingerprint.digest).toBe(a.fingerprint.digest);
    // Text and bytes are handed on as they are (a store writes them with the record, unstreamed).
    expect(a.parts[0]).toBe(given.parts[0]);
  });

  it('differs when any covered field differs', () => {
    const base = createSubmitFingerprint(input()).fingerprint.digest;
    const variants: FingerprintInput[] = [
      input({ envelope: makeEnvelope({ subject: 'hi!', headers: { 'X-A': '1', 'X-B': '2' } }) }),
      input({ envelope: makeEnvelope({ subject: 'hi', headers: { 'X-A': '1' } }) }),
      input({ envelope: makeEnvelope({ subject: 'hi', headers: { 'X-A': '1', 'X-B': '2' }, deliveryReport: true }) }),
      input({ recipients: [{ recipient: { type: 'smtp', address: 'ada@example.org' }, role: 'cc' }] }),
      input({ recipients: [{ recipient: { type: 'smtp', address: 'ada@example.org', name: 'Ada' }, role: 'to' }] }),
      input({ parts: [{ kind: 'text', contentType: 'text/plain', content: 'hello!' }] }),
      input({ parts: [{ kind: 'html', contentType: 'text/plain', content: 'hello' }] }),
      // The same bytes cut differently across parts are different content.
      input({ parts: [{ kind: 'text', contentType: 'text/plain', content: 'hel' }, { kind: 'text', contentType: 'text/plain', content: 'lo' }] }),
    ];
    const digests = variants.map((v) => createSubmitFingerprint(v).fingerprint.digest);
    expect(new Set([base, ...digests]).size).toBe(variants.length + 1);
  });

  it('hashes a streamed part while it is read, to the same value as the same bytes in memory', async () => {
    const inMemory = createSubmitFingerprint(input({ parts: [{ kind: 'attachment', contentType: 'application/octet-stream', content: Buffer.from('abcdef') }] }));
    const streaming = createSubmitFingerprint(input({ parts: [{ kind: 'attachment', contentType: 'application/octet-stream', content: pieces('ab', 'cde', 'f') }] }));
    expect(streaming.fingerprint.digest).toBeUndefined();
    await drain(streaming.parts);
    expect(streaming.fingerprint.digest).toBe(inMemory.fingerprint.digest);
    expect(await streaming.fingerprint.settle()).toBe(inMemory.fingerprint.digest);
  });

  it('settle() reads what nobody read, refuses a part read only partly, and a stream cannot be read twice', async () => {
    const unread = createSubmitFingerprint(input({ parts: [{ kind: 'attachment', contentType: 'x/y', content: pieces('a', 'b') }] }));
    expect(await unread.fingerprint.settle()).toMatch(/^[0-9a-f]{64}$/);
    await expect(drain(unread.parts)).rejects.toThrow(/read only once/);

    const partly = createSubmitFingerprint(input({ parts: [{ kind: 'attachment', contentType: 'x/y', content: pieces('a', 'b') }] }));
    const iterator = (partly.parts[0]!.content as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    await iterator.next();
    await expect(partly.fingerprint.settle()).rejects.toThrow(/read only partly/);
  });

  it('resolveRepeatedKey: a duplicate for the same or an unknown fingerprint, XPORT_IDEMPOTENCY_CONFLICT for another', () => {
    const request = makeSubmitRequest({ idempotencyKey: 'k', subject: 's' });
    const kept = fingerprintToKeep(request);
    expect(kept).toMatch(/^[0-9a-f]{64}$/);
    expect(resolveRepeatedKey(request, { messageId: 'm1', fingerprint: kept }, 'test store')).toEqual({ messageId: 'm1', duplicate: true });
    expect(resolveRepeatedKey(request, { messageId: 'm1', fingerprint: null }, 'test store')).toEqual({ messageId: 'm1', duplicate: true });
    expect(resolveRepeatedKey(makeSubmitRequest({ idempotencyKey: 'k', fingerprint: false }), { messageId: 'm1', fingerprint: kept }, 'test store')).toEqual({
      messageId: 'm1',
      duplicate: true,
    });
    let error: unknown;
    try {
      resolveRepeatedKey(makeSubmitRequest({ idempotencyKey: 'k', subject: 'other' }), { messageId: 'm1', fingerprint: kept }, 'test store');
    } catch (e) {
      error = e;
    }
    expect(XportError.is(error, 'XPORT_IDEMPOTENCY_CONFLICT')).toBe(true);
    expect((error as Error).message).toMatch(/^test store: idempotency key "k" already names message m1, whose content differs/);
    expect(fingerprintToKeep(makeSubmitRequest())).toBeNull();
  });
});
