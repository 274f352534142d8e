import { XportError } from '@xport/provider-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, recordingTransport } from './harness.js';

type Harness = Awaited<ReturnType<typeof createHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.spooler.stop();
  h = undefined;
});

async function setup(): Promise<Harness> {
  h = await createHarness({ options: { maxMessageBytes: 1024 * 1024 } });
  h.addTransport('fx', ['x400'], recordingTransport());
  return h;
}

/** Bytes streamed in pieces; `reads` counts how many times a reader started on it. */
function streamed(text: string): { content: AsyncIterable<Uint8Array>; reads: () => number } {
  let reads = 0;
  return {
    reads: () => reads,
    content: {
      async *[Symbol.asyncIterator]() {
        reads += 1;
        for (let i = 0; i < text.length; i += 7) yield Buffer.from(text.slice(i, i + 7));
      },
    },
  };
}

describe('submit with an idempotency key', () => {
  it('refuses the key with different content (XPORT_IDEMPOTENCY_CONFLICT) and keeps the first message', async () => {
    const h = await setup();
    const first = await h.spooler.submit({ to: ['x400:a'], subject: 'invoice 7', text: 'total 10', idempotencyKey: 'order-7' });
    for (const changed of [
      { to: ['x400:a'], subject: 'invoice 7', text: 'total 11' },
      { to: ['x400:a'], subject: 'invoice 7 (corrected)', text: 'total 10' },
      { to: ['x400:b'], subject: 'invoice 7', text: 'total 10' },
      { to: ['x400:a'], subject: 'invoice 7', text: 'total 10', headers: { 'X-Extra': '1' } },
    ]) {
      const error = await h.spooler.submit({ ...changed, idempotencyKey: 'order-7' }).catch((e: unknown) => e);
      expect(XportError.is(error, 'XPORT_IDEMPOTENCY_CONFLICT')).toBe(true);
      expect((error as XportError).message).toContain(first.messageId);
    }
    // The same content again is a retry: the first message, nothing new.
    expect(await h.spooler.submit({ to: ['x400:a'], subject: 'invoice 7', text: 'total 10', idempotencyKey: 'order-7' })).toMatchObject({
      messageId: first.messageId,
      duplicate: true,
    });
    expect((await h.store.listQueue()).map((m) => m.envelope.subject)).toEqual(['invoice 7']);
  });

  it('recognises a retried streamed attachment by its bytes, reading each stream once', async () => {
    const h = await setup();
    const body = 'a streamed attachment, '.repeat(40);
    const original = streamed(body);
    const first = await h.spooler.submit({ to: ['x400:a'], text: 'see attached', attachments: [{ filename: 'a.txt', content: original.content }], idempotencyKey: 'upload' });
    const retry = streamed(body);
    expect(await h.spooler.submit({ to: ['x400:a'], text: 'see attached', attachments: [{ filename: 'a.txt', content: retry.content }], idempotencyKey: 'upload' })).toMatchObject({
      messageId: first.messageId,
      duplicate: true,
    });
    const other = streamed(`${body}!`);
    const error = await h.spooler.submit({ to: ['x400:a'], text: 'see attached', attachments: [{ filename: 'a.txt', content: other.content }], idempotencyKey: 'upload' }).catch((e: unknown) => e);
    expect(XportError.is(error, 'XPORT_IDEMPOTENCY_CONFLICT')).toBe(true);
    expect([original.reads(), retry.reads(), other.reads()]).toEqual([1, 1, 1]);
    expect(await h.store.listQueue()).toHaveLength(1);
  });

  it('binds the key to the message as submitted, before hooks: a hook that rewrites differently on the retry does not make it a conflict', async () => {
    const h = await setup();
    let stamp = 0;
    h.hooks.push({ id: 'stamper', hook: { outbound: () => ({ action: 'rewrite', headers: { 'X-Stamp': String((stamp += 1)) } }) } });
    const first = await h.spooler.submit({ to: ['x400:a'], text: 'hello', idempotencyKey: 'stamped' });
    expect(await h.spooler.submit({ to: ['x400:a'], text: 'hello', idempotencyKey: 'stamped' })).toMatchObject({ messageId: first.messageId, duplicate: true });
    expect((await h.store.getMessage(first.messageId))?.envelope.headers).toEqual({ 'X-Stamp': '1' });
  });

  it('reports a streamed retry over maxMessageBytes as too large, not as a conflict', async () => {
    h = await createHarness({ options: { maxMessageBytes: 100 } });
    h.addTransport('fx', ['x400'], recordingTransport());
    await h.spooler.submit({ to: ['x400:a'], text: 'small', idempotencyKey: 'grows' });
    const error = await h.spooler.submit({ to: ['x400:a'], text: 'small', attachments: [{ filename: 'big.bin', content: streamed('x'.repeat(500)).content }], idempotencyKey: 'grows' }).catch((e: unknown) => e);
    expect(XportError.is(error, 'XPORT_MESSAGE_INVALID')).toBe(true);
    expect((error as XportError).message).toContain('maxMessageBytes');
  });
});
