import type { AttachmentInput, InboundMessage, OutboundMessage } from '@xport/provider-sdk';

const EMPTY = Buffer.alloc(0);

type Writable<T> = { -readonly [K in keyof T]: T[K] };

// Listens for data and end rather than iterating with for-await: a body is read whole anyway, and the
// async iterator's promise per chunk was a visible share of a loopback hand-over. `on`, not `once`:
// each event comes once, and `once` wraps every listener in another closure.
function readText(message: OutboundMessage, partId: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let first: Buffer | undefined;
    let more: Buffer[] | undefined;
    const stream = message.openPart(partId);
    stream.on('data', (chunk: Buffer | Uint8Array) => {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      if (first === undefined) first = bytes;
      else (more ??= [first]).push(bytes);
    });
    stream.on('end', () => resolve((more !== undefined ? Buffer.concat(more) : (first ?? EMPTY)).toString('utf8')));
    stream.on('error', reject);
  });
}

/**
 * Adds an outbound message's content to the inbound one being built: bodies read as text (the
 * inbound contract carries them as strings), attachments passed through as the store's streams,
 * never read here.
 */
export async function addInboundContent(message: OutboundMessage, inbound: Writable<InboundMessage>): Promise<void> {
  let attachments: AttachmentInput[] | undefined;
  for (const part of message.parts) {
    if (part.kind === 'text') inbound.text = await readText(message, part.partId);
    else if (part.kind === 'html') inbound.html = await readText(message, part.partId);
    else {
      const attachment: Writable<AttachmentInput> = {
        filename: part.filename ?? 'attachment',
        contentType: part.contentType,
        content: message.openPart(part.partId) as AsyncIterable<Uint8Array>,
      };
      if (part.contentId !== undefined) attachment.contentId = part.contentId;
      (attachments ??= []).push(attachment);
    }
  }
  inbound.attachments = attachments ?? [];
}
