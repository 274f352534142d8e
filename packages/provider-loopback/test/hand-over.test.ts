import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { AssignedRecipient, InboundMessage, InboundPort, InboundReceipt, Logger, OutboundMessage, PartInfo } from '@xport/provider-sdk';
import { createLoopbackTransport } from '../src/index.js';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

/** An inbound port that keeps what it was handed and answers with `rejected` for some mailboxes. */
function capturingInbound(handed: InboundMessage[], rejected: InboundReceipt['rejected'] = []): InboundPort {
  return {
    async deliver(message) {
      handed.push(message);
      return { entries: [], rejected };
    },
  };
}

/** An outbound message whose parts stream the given chunks; every stream opened is kept in `opened`. */
function outbound(parts: Array<{ info: Omit<PartInfo, 'partId' | 'size'>; chunks: Buffer[] }>, opened: Map<string, Readable>): OutboundMessage {
  const infos = parts.map((p, i) => ({ ...p.info, partId: `p${i}`, size: p.chunks.reduce((n, c) => n + c.length, 0) }));
  return {
    id: 'msg-1',
    envelope: { from: { type: 'loopback', address: 'me' }, subject: 'hi', headers: { 'X-A': '1' }, kind: 'note', deliveryReport: false, suppressNdr: false },
    recipients: [],
    parts: infos,
    size: 0,
    submittedAt: 0,
    openPart(partId) {
      const stream = Readable.from(parts[Number(partId.slice(1))]!.chunks, { objectMode: false });
      opened.set(partId, stream);
      return stream;
    },
  };
}

const to = (addresses: string[]): AssignedRecipient[] =>
  addresses.map((address, index) => ({ index, recipient: { type: 'loopback', address }, role: 'to', attempts: 0 }));
const signal = new AbortController().signal;

describe('loopback hand-over', () => {
  it('reads bodies and small attachments whole, even split inside a character, and passes large attachments through unread', async () => {
    const handed: InboundMessage[] = [];
    const opened = new Map<string, Readable>();
    const euro = Buffer.from('€');
    const large = Buffer.alloc(256 * 1024 + 1, 7);
    const message = outbound(
      [
        { info: { kind: 'text', contentType: 'text/plain' }, chunks: [Buffer.from('price: '), euro.subarray(0, 1), euro.subarray(1)] },
        { info: { kind: 'html', contentType: 'text/html' }, chunks: [] },
        { info: { kind: 'attachment', contentType: 'image/png', filename: 'a.png', contentId: 'logo@x' }, chunks: [Buffer.from([1, 2])] },
        { info: { kind: 'attachment', contentType: 'application/octet-stream', filename: 'big.bin' }, chunks: [large] },
      ],
      opened,
    );
    const transport = createLoopbackTransport({ providerId: 'lb-h1', config: {}, inbound: capturingInbound(handed), logger: silent });
    await transport.send(message, to(['ada']), { signal });
    expect(handed).toHaveLength(1);
    const [inbound] = handed;
    expect(inbound).toMatchObject({ text: 'price: €', html: '', subject: 'hi', headers: { 'X-A': '1' }, from: { address: 'me' }, kind: 'note', receivedBy: 'lb-h1' });
    expect(inbound?.attachments).toEqual([
      { filename: 'a.png', contentType: 'image/png', contentId: 'logo@x', content: Buffer.from([1, 2]) },
      { filename: 'big.bin', contentType: 'application/octet-stream', content: opened.get('p3') },
    ]);
    expect(opened.get('p3')?.readableDidRead).toBe(false);
  });

  it("reads whole parts through the message's readPart when it has one, opening no stream", async () => {
    const handed: InboundMessage[] = [];
    const opened = new Map<string, Readable>();
    const message: OutboundMessage = {
      ...outbound(
        [
          { info: { kind: 'text', contentType: 'text/plain' }, chunks: [Buffer.from('from the stream')] },
          { info: { kind: 'attachment', contentType: 'text/plain', filename: 'a.txt' }, chunks: [Buffer.from('from the stream')] },
        ],
        opened,
      ),
      readPart: async (partId) => Buffer.from(`whole ${partId}`),
    };
    const transport = createLoopbackTransport({ providerId: 'lb-h1b', config: {}, inbound: capturingInbound(handed), logger: silent });
    await transport.send(message, to(['ada']), { signal });
    expect(handed[0]).toMatchObject({ text: 'whole p0', attachments: [{ filename: 'a.txt', content: Buffer.from('whole p1') }] });
    expect(opened.size).toBe(0);
  });

  it('keys a hand-over by the accepted recipients only, and fails the mailboxes the inbound path rejected', async () => {
    const handed: InboundMessage[] = [];
    const inbound = capturingInbound(handed, [{ mailbox: 'loopback:carol', reason: 'inbound hook rejected it' }]);
    const transport = createLoopbackTransport({ providerId: 'lb-h2', config: { failAddresses: ['ada'] }, inbound, logger: silent });
    const message = outbound([{ info: { kind: 'text', contentType: 'text/plain' }, chunks: [Buffer.from('x')] }], new Map());
    const outcomes = await transport.send(message, to(['ada', 'bob', 'carol']), { signal });
    expect(handed[0]?.idempotencyKey).toBe('loopback:msg-1:1,2');
    expect(handed[0]?.recipients.map((r) => r.address)).toEqual(['bob', 'carol']);
    expect(outcomes).toEqual([
      { status: 'failed', code: '5.1.1', diagnostic: 'loopback: mailbox loopback:ada does not exist (failAddresses)' },
      { status: 'delivered', diagnostic: 'loopback: delivered to mailbox loopback:bob' },
      { status: 'failed', code: '5.7.1', diagnostic: 'inbound hook rejected it' },
    ]);
  });

  it('writes one debug record per hand-over, naming the message and how many were delivered', async () => {
    const calls: Array<[string, unknown]> = [];
    const logger: Logger = { ...silent, debug: (m, fields) => void calls.push([m, fields]) };
    const inbound = capturingInbound([], [{ mailbox: 'loopback:bob', reason: 'no' }]);
    const transport = createLoopbackTransport({ providerId: 'lb-h3', config: {}, inbound, logger });
    const message = outbound([{ info: { kind: 'text', contentType: 'text/plain' }, chunks: [Buffer.from('x')] }], new Map());
    await transport.send(message, to(['ada', 'bob']), { signal });
    expect(calls).toEqual([['loopback hand-over', { messageId: 'msg-1', delivered: 1, of: 2 }]]);
  });
});
