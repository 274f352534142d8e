import { formatRecipient, type OutboundMessage, type Recipient } from '@xport/provider-sdk';

/** What every recipient's POST shares: the message without its recipient list (Bcc stays hidden). */
export interface WebhookContent {
  readonly id: string;
  readonly messageId?: string;
  readonly from?: string;
  readonly subject?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly submittedAt: string;
  readonly text?: string;
  readonly html?: string;
  readonly attachments: ReadonlyArray<{ filename: string; contentType: string; size: number; contentBase64: string }>;
}

/** Thrown when the message is larger than `maxBodyBytes`: a permanent failure for every recipient. */
export class BodyTooLarge extends Error {
  override readonly name = 'BodyTooLarge';
}

async function readPart(message: OutboundMessage, partId: string, budget: { left: number }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of message.openPart(partId)) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    budget.left -= bytes.length;
    if (budget.left < 0) throw new BodyTooLarge(`message ${message.id} is larger than maxBodyBytes`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

/** Reads the message content once, stopping as soon as it cannot fit in `maxBodyBytes`. */
export async function toWebhookContent(message: OutboundMessage, maxBodyBytes: number): Promise<WebhookContent> {
  if (message.size > maxBodyBytes) throw new BodyTooLarge(`message ${message.id} is ${message.size} bytes`);
  const budget = { left: maxBodyBytes };
  const content: { -readonly [K in keyof WebhookContent]: WebhookContent[K] } = {
    id: message.id,
    ...(message.envelope.messageId === undefined ? {} : { messageId: message.envelope.messageId }),
    ...(message.envelope.from === undefined ? {} : { from: formatRecipient(message.envelope.from) }),
    ...(message.envelope.subject === undefined ? {} : { subject: message.envelope.subject }),
    headers: message.envelope.headers,
    submittedAt: new Date(message.submittedAt).toISOString(),
    attachments: [],
  };
  const attachments: Array<WebhookContent['attachments'][number]> = [];
  for (const part of message.parts) {
    const bytes = await readPart(message, part.partId, budget);
    if (part.kind === 'text') content.text = bytes.toString('utf8');
    else if (part.kind === 'html') content.html = bytes.toString('utf8');
    else attachments.push({ filename: part.filename ?? 'attachment', contentType: part.contentType, size: bytes.length, contentBase64: bytes.toString('base64') });
  }
  content.attachments = attachments;
  return content;
}

/** The JSON body POSTed to one recipient: the shared content plus who it is for. */
export function toWebhookBody(content: WebhookContent, recipient: Recipient): string {
  return JSON.stringify({ type: 'xport.message', to: formatRecipient(recipient), ...content });
}
