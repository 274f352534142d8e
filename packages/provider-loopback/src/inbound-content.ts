import { readWholePart, type AttachmentInput, type InboundMessage, type OutboundMessage } from '@xport/provider-sdk';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

// Attachments up to this size are read whole (no stream per part, and the store writes them at once);
// larger ones are passed through as the store's streams, never held here.
const WHOLE_ATTACHMENT_MAX = 256 * 1024;

/**
 * Adds an outbound message's content to the inbound one being built: bodies read whole as text (the
 * inbound contract carries them as strings), small attachments read whole, large ones streamed.
 */
export async function addInboundContent(message: OutboundMessage, inbound: Writable<InboundMessage>): Promise<void> {
  let attachments: AttachmentInput[] | undefined;
  for (const part of message.parts) {
    if (part.kind === 'text') inbound.text = (await readWholePart(message, part.partId)).toString('utf8');
    else if (part.kind === 'html') inbound.html = (await readWholePart(message, part.partId)).toString('utf8');
    else {
      const attachment: Writable<AttachmentInput> = {
        filename: part.filename ?? 'attachment',
        contentType: part.contentType,
        content: part.size <= WHOLE_ATTACHMENT_MAX ? await readWholePart(message, part.partId) : (message.openPart(part.partId) as AsyncIterable<Uint8Array>),
      };
      if (part.contentId !== undefined) attachment.contentId = part.contentId;
      (attachments ??= []).push(attachment);
    }
  }
  inbound.attachments = attachments ?? [];
}
