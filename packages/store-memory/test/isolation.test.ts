import { beforeEach, describe, expect, it } from 'vitest';
import type { MessageStore, SubmitRequest } from '@xport/provider-sdk';
import { makeReceiveRequest, makeSubmitRequest, readText } from '@xport/provider-sdk/testing';
import { createMemoryStore } from '../src/index.js';

// Stored records are frozen and handed out without a copy per read: what a caller gets can be kept,
// but neither what it gets nor what it gave can change the store.
let store: MessageStore;
beforeEach(async () => {
  store = createMemoryStore();
  await store.open();
});

function request(): SubmitRequest {
  const base = makeSubmitRequest({ recipients: [{ to: 'test:ada', provider: 'p1' }] });
  return { ...base, envelope: { ...base.envelope, from: { type: 'test', address: 'me', name: 'Me' }, headers: { 'X-Tag': 'one' } } };
}

describe('memory store isolation', () => {
  it('keeps its own copy of what was submitted', async () => {
    const submitted = request();
    const { messageId } = await store.submit(submitted);
    (submitted.envelope.headers as Record<string, string>)['X-Tag'] = 'changed';
    (submitted.envelope.from as { address: string }).address = 'changed';
    (submitted.recipients[0]!.recipient as { address: string }).address = 'changed';
    const stored = await store.getMessage(messageId);
    expect(stored?.envelope).toMatchObject({ headers: { 'X-Tag': 'one' }, from: { address: 'me', name: 'Me' } });
    expect(stored?.recipients[0]?.recipient.address).toBe('ada');
  });

  it('hands out frozen envelopes, addresses, errors and parts that a write cannot change', async () => {
    const { messageId } = await store.submit(request());
    const stored = (await store.getMessage(messageId))!;
    expect(() => ((stored.envelope.headers as Record<string, string>)['X-Tag'] = 'changed')).toThrow(TypeError);
    expect(() => ((stored.envelope as { subject?: string }).subject = 'changed')).toThrow(TypeError);
    expect(() => ((stored.envelope.from as { address: string }).address = 'changed')).toThrow(TypeError);
    expect(() => ((stored.recipients[0]!.recipient as { address: string }).address = 'changed')).toThrow(TypeError);
    expect(() => ((stored.parts[0] as { size: number }).size = 0)).toThrow(TypeError);
    expect(() => (stored.parts as unknown[]).push({})).toThrow(TypeError);
    const [claim] = await store.claim({ owner: 'o', limit: 1, leaseMs: 60_000, now: 1000 });
    expect(() => ((claim!.recipient as { address: string }).address = 'changed')).toThrow(TypeError);
    await store.complete({ ...claim!, result: { state: 'failed', error: { code: 'X', diagnostic: 'no' } }, now: 1001 });
    const failed = (await store.getMessage(messageId))!;
    expect(() => ((failed.recipients[0]!.lastError as { code: string }).code = 'changed')).toThrow(TypeError);
    expect(await store.getMessage(messageId)).toMatchObject({
      envelope: { subject: 'conformance', headers: { 'X-Tag': 'one' }, from: { address: 'me' } },
      recipients: [{ recipient: { address: 'ada' }, lastError: { code: 'X' } }],
    });
  });

  it('gives every read a snapshot of its own: later changes do not show through an earlier one', async () => {
    const { messageId } = await store.submit(request());
    const before = (await store.getMessage(messageId))!;
    const [claim] = await store.claim({ owner: 'o', limit: 1, leaseMs: 60_000, now: 1000 });
    await store.complete({ ...claim!, result: { state: 'delivered' }, now: 1001 });
    expect(before.recipients[0]?.state).toBe('queued');
    expect(before.finishedAt).toBeUndefined();
    (before.recipients as unknown[]).length = 0;
    expect((await store.getMessage(messageId))?.recipients).toHaveLength(1);
  });

  it('hands out frozen inbox envelopes and fresh receipts', async () => {
    const received = await store.receive({ ...makeReceiveRequest({ mailboxes: ['test:ada'], idempotencyKey: 'k' }) });
    received[0]!.id = 'changed';
    const again = await store.receive(makeReceiveRequest({ mailboxes: ['test:ada'], idempotencyKey: 'k' }));
    expect(again[0]?.id).not.toBe('changed');
    const entry = (await store.getInboxEntry(again[0]!.id))!;
    expect(Object.isFrozen(entry.envelope) && Object.isFrozen(entry.envelope.headers) && Object.isFrozen(entry.parts)).toBe(true);
    await store.markRead(entry.id, true);
    expect(entry.read).toBe(false);
  });

  it('copies bytes in and out: neither the submitted array nor a chunk read back can change a part', async () => {
    const bytes = Uint8Array.from([1, 2, 3]);
    const { messageId } = await store.submit(makeSubmitRequest({ parts: [{ kind: 'attachment', contentType: 'application/octet-stream', content: bytes }] }));
    bytes[0] = 9;
    const partId = (await store.getMessage(messageId))!.parts[0]!.partId;
    for await (const chunk of store.openPart(partId)) (chunk as Buffer).fill(0);
    const chunks: Buffer[] = [];
    for await (const chunk of store.openPart(partId)) chunks.push(chunk as Buffer);
    expect([...Buffer.concat(chunks)]).toEqual([1, 2, 3]);
  });

  it('encodes a text part as UTF-8 on every read, sized in bytes', async () => {
    const { messageId } = await store.submit(makeSubmitRequest({ text: 'grüße 👋' }));
    const part = (await store.getMessage(messageId))!.parts[0]!;
    expect(part.size).toBe(Buffer.byteLength('grüße 👋'));
    for await (const chunk of store.openPart(part.partId)) (chunk as Buffer).fill(0);
    expect(await readText(store.openPart(part.partId))).toBe('grüße 👋');
  });
});
