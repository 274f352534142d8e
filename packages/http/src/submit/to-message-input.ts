import { XportError, type DsnInput, type MessageInput, type Recipient } from '@xport/provider-sdk';

export interface AttachmentBody {
  readonly filename: string;
  readonly contentType?: string;
  readonly contentId?: string;
  readonly content: string;
  readonly encoding?: 'base64' | 'utf8';
}

/** The JSON body of `POST /v1/messages` once its schema has passed. */
export interface SubmitBody {
  readonly from?: string | Recipient;
  readonly to?: ReadonlyArray<string | Recipient>;
  readonly cc?: ReadonlyArray<string | Recipient>;
  readonly bcc?: ReadonlyArray<string | Recipient>;
  readonly subject?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly text?: string;
  readonly html?: string;
  readonly attachments?: readonly AttachmentBody[];
  readonly messageId?: string;
  readonly deliveryReport?: boolean;
  readonly suppressNdr?: boolean;
  readonly dsn?: DsnInput;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const WHITESPACE = /\s/;

/** Base64 (RFC 4648, line breaks allowed) to bytes; anything else is refused rather than half-decoded. */
function decodeBase64(text: string, where: string): Buffer {
  const compact = WHITESPACE.test(text) ? text.replace(/\s+/g, '') : text;
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw new XportError('XPORT_MESSAGE_INVALID', `${where}: content is not valid base64 (set "encoding": "utf8" for text)`, { details: { at: where } });
  }
  return Buffer.from(compact, 'base64');
}

/**
 * The kernel's `MessageInput` for a submit body: attachments decoded, the idempotency key from the
 * `Idempotency-Key` header (a structured-field string `"…"` or a bare token).
 */
export function toMessageInput(body: SubmitBody, idempotencyKey: string | undefined): MessageInput {
  const { attachments } = body;
  // A spread, not a rest pattern that leaves attachments out: a spread is a fast clone; this runs for every message.
  const input = { ...body } as { -readonly [K in keyof MessageInput]: MessageInput[K] };
  if (attachments !== undefined) {
    input.attachments = attachments.map((a, i) => {
      const where = `attachments[${i}]`;
      const attachment: { filename: string; contentType?: string; contentId?: string; content: string | Buffer } = {
        filename: a.filename,
        content: a.encoding === 'utf8' ? a.content : decodeBase64(a.content, where),
      };
      if (a.contentType !== undefined) attachment.contentType = a.contentType;
      if (a.contentId !== undefined) attachment.contentId = a.contentId;
      return attachment;
    });
  }
  if (idempotencyKey !== undefined) {
    const quoted = idempotencyKey.length >= 2 && idempotencyKey.startsWith('"') && idempotencyKey.endsWith('"');
    input.idempotencyKey = quoted ? idempotencyKey.slice(1, -1).replace(/\\(["\\])/g, '$1') : idempotencyKey;
  }
  return input;
}
