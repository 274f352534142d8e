import { Readable } from 'node:stream';
import type { AssignedRecipient, MessageEnvelope, OutboundMessage, PartInfo, Recipient, RecipientRole } from '@xport/provider-sdk';

export interface TestPart {
  readonly kind: PartInfo['kind'];
  readonly contentType: string;
  readonly content: Buffer;
  readonly filename?: string;
  readonly contentId?: string;
}

export interface TestMessageInput {
  readonly from?: string;
  readonly to?: readonly string[];
  readonly cc?: readonly string[];
  readonly bcc?: readonly string[];
  readonly subject?: string;
  readonly headers?: Record<string, string>;
  readonly messageId?: string;
  readonly parts?: readonly TestPart[];
  readonly deliveryReport?: boolean;
  /** The DSN parameters (RFC 3461) the kernel would have validated and stored. */
  readonly dsn?: MessageEnvelope['dsn'];
}

export interface TestOutbound {
  readonly message: OutboundMessage;
  /** Every recipient, as the kernel would assign them to this transport. */
  readonly assigned: AssignedRecipient[];
  /** Part ids opened so far (each open streams from its Buffer in small chunks). */
  readonly opened: string[];
}

const smtp = (address: string): Recipient => ({ type: 'smtp', address });

/** An OutboundMessage whose `openPart` streams from Buffers, 1 KiB at a time. */
export function createOutboundMessage(input: TestMessageInput): TestOutbound {
  const roles: [RecipientRole, readonly string[] | undefined][] = [['to', input.to], ['cc', input.cc], ['bcc', input.bcc]];
  const recipients = roles.flatMap(([role, list]) => (list ?? []).map((address) => ({ recipient: smtp(address), role })));
  const parts = input.parts ?? [{ kind: 'text', contentType: 'text/plain; charset=utf-8', content: Buffer.from('Hello from xport.\r\n') }];
  const infos: PartInfo[] = parts.map((p, i) => ({
    partId: `p${i}`,
    kind: p.kind,
    contentType: p.contentType,
    size: p.content.length,
    ...(p.filename === undefined ? {} : { filename: p.filename }),
    ...(p.contentId === undefined ? {} : { contentId: p.contentId }),
  }));
  const envelope: MessageEnvelope = {
    headers: input.headers ?? {},
    kind: 'note',
    deliveryReport: input.deliveryReport ?? false,
    suppressNdr: false,
    ...(input.from === undefined ? {} : { from: smtp(input.from) }),
    ...(input.subject === undefined ? {} : { subject: input.subject }),
    ...(input.messageId === undefined ? {} : { messageId: input.messageId }),
    ...(input.dsn === undefined ? {} : { dsn: input.dsn }),
  };
  const opened: string[] = [];
  const message: OutboundMessage = {
    id: 'msg-1',
    envelope,
    recipients,
    parts: infos,
    size: parts.reduce((sum, p) => sum + p.content.length, 0),
    submittedAt: Date.UTC(2025, 0, 2, 3, 4, 5),
    openPart(partId) {
      const index = infos.findIndex((p) => p.partId === partId);
      const content = parts[index]?.content;
      if (!content) throw new Error(`no part ${partId}`);
      opened.push(partId);
      return Readable.from(
        (function* () {
          for (let at = 0; at < content.length; at += 1024) yield content.subarray(at, at + 1024);
        })(),
      );
    },
  };
  const assigned = recipients.map((r, index) => ({ index, recipient: r.recipient, role: r.role, attempts: 0 }));
  return { message, assigned, opened };
}

export const neverAborted = (): { signal: AbortSignal } => ({ signal: new AbortController().signal });
