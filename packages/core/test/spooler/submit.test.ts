import { XportError, type MessageInput } from '@xport/provider-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, recordingTransport } from './harness.js';

type Harness = Awaited<ReturnType<typeof createHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.spooler.stop();
  h = undefined;
});

async function setup(maxMessageBytes = 1024) {
  h = await createHarness({ options: { maxMessageBytes } });
  h.addTransport('fx', ['x400'], recordingTransport());
  return h;
}

async function rejection(input: MessageInput, maxMessageBytes?: number): Promise<XportError> {
  const h = await setup(maxMessageBytes);
  const error = await h.spooler.submit(input).then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!XportError.is(error)) throw new Error(`expected an XportError, got ${String(error)}`);
  expect(await h.store.listQueue()).toEqual([]);
  return error;
}

describe('submit validation', () => {
  it.each([
    ['CR LF', 'evil\r\nBcc: x@y.z'],
    ['LF', 'a\nb'],
    ['NUL', 'a\u0000b'],
    ['DEL', 'a\u007fb'],
  ])('rejects a header value with %s, naming the header', async (_what, value) => {
    const error = await rejection({ to: ['x400:a'], headers: { 'X-Campaign': value } });
    expect(error.code).toBe('XPORT_MESSAGE_INVALID');
    expect(error.message).toContain('"X-Campaign"');
  });

  it('rejects a header name that is not an RFC 5322 field name, and a subject with a line break', async () => {
    expect((await rejection({ to: ['x400:a'], headers: { 'X Bad:Name': 'v' } })).message).toContain('"X Bad:Name"');
    expect((await rejection({ to: ['x400:a'], subject: 'hi\r\nBcc: x' })).message).toContain('"Subject"');
  });

  it('rejects a header given twice under names that differ only in case', async () => {
    const error = await rejection({ to: ['x400:a'], headers: { 'X-Tag': 'a', 'X-Other': 'b', 'x-tag': 'c' } });
    expect(error.code).toBe('XPORT_MESSAGE_INVALID');
    expect(error.message).toContain('"x-tag": given twice');
  });

  it('keeps every header as given, an own "__proto__" header too, without touching the prototype', async () => {
    const h = await setup();
    const headers = JSON.parse('{"X-One":"1","__proto__":"p"}') as Record<string, string>;
    const { messageId } = await h.spooler.submit({ to: ['x400:a'], headers });
    const stored = await h.store.getMessage(messageId);
    expect(Object.entries(stored?.envelope.headers ?? {})).toEqual([
      ['X-One', '1'],
      ['__proto__', 'p'],
    ]);
    expect(Object.getPrototypeOf(stored?.envelope.headers)).not.toBe('p');
  });

  it('rejects a message without recipients, and a delivery report without a sender', async () => {
    expect((await rejection({ to: [], text: 'x' })).code).toBe('XPORT_MESSAGE_INVALID');
    expect((await rejection({ to: ['x400:a'], deliveryReport: true })).message).toContain('no from');
  });

  it('rejects an unparsable recipient, naming where it was', async () => {
    const error = await rejection({ to: ['x400:a'], cc: ['not an address'] });
    expect(error.code).toBe('XPORT_ADDRESS_INVALID');
    expect(error.message).toMatch(/^cc\[0\]: /);
  });

  it('measures streamed attachments against maxMessageBytes and queues nothing when over', async () => {
    async function* chunks() {
      for (let i = 0; i < 10; i++) yield new Uint8Array(200);
    }
    const error = await rejection({ to: ['x400:a'], text: 'body', attachments: [{ filename: 'big.bin', content: chunks() }] }, 1024);
    expect(error.code).toBe('XPORT_MESSAGE_INVALID');
    expect(error.message).toContain('maxMessageBytes (1024 bytes)');
    expect(error.message).toContain('big.bin');
  });

  it('accepts a message at the size limit, and returns the first id for a repeated idempotency key', async () => {
    const h = await setup(10);
    const first = await h.spooler.submit({ to: ['x400:a'], text: '0123456789', idempotencyKey: 'k1' });
    const again = await h.spooler.submit({ to: ['x400:a'], text: '0123456789', idempotencyKey: 'k1' });
    expect(again).toEqual({ ...first, duplicate: true });
    expect(await h.store.listQueue()).toHaveLength(1);
  });
});

describe('outbound hooks', () => {
  it('refuses a message a hook rejects, naming the hook and its reason', async () => {
    const h = await setup();
    h.hooks.push({ id: 'spam-filter', hook: { outbound: (m) => (m.subject?.includes('[spam]') ? { action: 'reject', reason: 'looks like spam' } : { action: 'pass' }) } });
    const error = await h.spooler.submit({ to: ['x400:a'], subject: '[spam] buy' }).catch((e: unknown) => e);
    expect(XportError.is(error, 'XPORT_MESSAGE_REJECTED')).toBe(true);
    expect((error as Error).message).toContain("outbound hook 'spam-filter' rejected the message: looks like spam");
    expect(await h.store.listQueue()).toEqual([]);
    await expect(h.spooler.submit({ to: ['x400:a'], subject: 'fine' })).resolves.toMatchObject({ duplicate: false });
  });

  it('applies a rewrite and a reroute before routing', async () => {
    const h = await setup();
    h.hooks.push({
      id: 'redirect',
      hook: { outbound: () => ({ action: 'rewrite', recipients: [{ recipient: { type: 'X400', address: 'archive' }, role: 'bcc' }], subject: 'rewritten', headers: { 'X-Hooked': 'yes' } }) },
    });
    const receipt = await h.spooler.submit({ to: ['x400:a', 'fax:1'], subject: 'orig' });
    expect(receipt.recipients).toEqual([{ recipient: { type: 'x400', address: 'archive' }, provider: 'fx', state: 'queued' }]);
    const stored = await h.store.getMessage(receipt.messageId);
    expect(stored?.envelope).toMatchObject({ subject: 'rewritten', headers: { 'X-Hooked': 'yes' } });
  });

  it('fails closed when a hook throws or rewrites a header with a line break', async () => {
    const h = await setup();
    h.hooks.push({ id: 'broken', hook: { outbound: () => ({ action: 'rewrite', headers: { 'X-Inject': 'a\r\nb' } }) } });
    await expect(h.spooler.submit({ to: ['x400:a'] })).rejects.toMatchObject({ code: 'XPORT_MESSAGE_INVALID' });
    h.hooks.splice(0, 1, { id: 'crashy', hook: { outbound: () => { throw new Error('boom'); } } });
    await expect(h.spooler.submit({ to: ['x400:a'] })).rejects.toMatchObject({ code: 'XPORT_MESSAGE_REJECTED', message: expect.stringContaining("'crashy' threw: boom") });
  });
});
