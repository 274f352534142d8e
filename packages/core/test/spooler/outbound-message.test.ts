import { describe, expect, it } from 'vitest';
import { readWholePart, type MessageStore } from '@xport/provider-sdk';
import { createMemoryStore } from '../../../store-memory/src/index.js';
import { toOutboundMessage } from '../../src/spooler/outbound-message.js';

async function storeWithMessage() {
  const store = createMemoryStore({ name: 'outbound-message-test' });
  await store.open();
  const { messageId } = await store.submit({
    envelope: { from: { type: 'x', address: 'me' }, headers: {}, kind: 'note', deliveryReport: false, suppressNdr: false },
    recipients: [{ recipient: { type: 'x', address: 'ada' }, role: 'to', provider: 'x' }],
    parts: [{ kind: 'text', contentType: 'text/plain', content: 'héllo, whole' }],
    submittedAt: 1,
    expiresAt: 1_000_000,
  });
  const stored = (await store.getMessage(messageId))!;
  return { store, stored, partId: stored.parts[0]!.partId };
}

/** The same store seen through a contract without the optional readPart: only its streams. */
function streamsOnly(store: MessageStore): MessageStore {
  return { openPart: (partId: string) => store.openPart(partId) } as unknown as MessageStore;
}

describe('whole-part reads for transports', () => {
  it("uses the store's readPart when it has one, and collects the stream when it has not: the same bytes", async () => {
    const { store, stored, partId } = await storeWithMessage();
    const direct = await toOutboundMessage(stored, store).readPart!(partId);
    const collected = await toOutboundMessage(stored, streamsOnly(store)).readPart!(partId);
    expect(direct.toString('utf8')).toBe('héllo, whole');
    expect(collected.equals(direct)).toBe(true);
    await store.close();
  });

  it('rejects with XPORT_STORE_NOT_FOUND for an unknown part, either way', async () => {
    const { store, stored } = await storeWithMessage();
    await expect(toOutboundMessage(stored, store).readPart!('nope')).rejects.toMatchObject({ code: 'XPORT_STORE_NOT_FOUND' });
    await expect(toOutboundMessage(stored, streamsOnly(store)).readPart!('nope')).rejects.toMatchObject({ code: 'XPORT_STORE_NOT_FOUND' });
    await store.close();
  });

  it('gives the outbound message a readPart that readWholePart prefers, and a message without one still reads', async () => {
    const { store, stored, partId } = await storeWithMessage();
    const message = toOutboundMessage(stored, store);
    expect(typeof message.readPart).toBe('function');
    expect((await readWholePart(message, partId)).toString('utf8')).toBe('héllo, whole');
    const { readPart: _dropped, ...fromScratch } = message;
    expect((await readWholePart(fromScratch, partId)).toString('utf8')).toBe('héllo, whole');
    await store.close();
  });
});
