import { Readable } from 'node:stream';
import { parseRecipient, type Recipient } from '../address.js';
import type { AssignedRecipient, MessageEnvelope, MessageInput, OutboundMessage, PartInfo, RecipientRole } from '../message.js';

/**
 * A message to `submit`: text form recipients, a subject and a text body.
 *
 * @example
 * await kernel.submit(makeMessageInput({ from: 'loopback:me', to: ['loopback:ada', 'fax:+33123'] }));
 */
export function makeMessageInput(options: {
  readonly from: string;
  readonly to: readonly string[];
  readonly cc?: readonly string[];
  readonly subject?: string;
  readonly text?: string;
  readonly headers?: Readonly<Record<string, string>>;
}): MessageInput {
  return {
    from: options.from,
    to: [...options.to],
    ...(options.cc === undefined ? {} : { cc: [...options.cc] }),
    subject: options.subject ?? 'xport conformance',
    text: options.text ?? 'Hello from the xport transport conformance suite.',
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  };
}

/** One part of a fixture outbound message. */
export interface FixturePart {
  readonly kind: PartInfo['kind'];
  readonly contentType: string;
  readonly content: string | Uint8Array;
  readonly filename?: string;
}

/** An outbound message as a transport's `send` receives it, plus the recipients assigned to it. */
export interface FixtureOutbound {
  readonly message: OutboundMessage;
  /** Every recipient, assigned to the transport (index = position), 0 attempts before. */
  readonly assigned: AssignedRecipient[];
}

/**
 * An `OutboundMessage` whose parts stream from memory, for calling a transport's `send` directly
 * (no kernel). Recipients are text forms (`fax:+33123`, `Ada <ada@example.org>`).
 *
 * @example
 * const { message, assigned } = makeOutboundMessage({ from: 'ada@example.org', to: ['bob@example.net'] });
 * const outcomes = await transport.send(message, assigned, { signal: new AbortController().signal });
 */
export function makeOutboundMessage(options: {
  readonly id?: string;
  readonly from?: string;
  readonly to: readonly string[];
  readonly cc?: readonly string[];
  readonly subject?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly parts?: readonly FixturePart[];
  readonly submittedAt?: number;
}): FixtureOutbound {
  const roles: Array<[RecipientRole, readonly string[] | undefined]> = [
    ['to', options.to],
    ['cc', options.cc],
  ];
  const recipients: Array<{ recipient: Recipient; role: RecipientRole }> = roles.flatMap(([role, list]) => (list ?? []).map((text) => ({ recipient: parseRecipient(text), role })));
  const parts = options.parts ?? [{ kind: 'text', contentType: 'text/plain; charset=utf-8', content: 'Hello from the xport transport conformance suite.' }];
  const bytes = parts.map((p) => (typeof p.content === 'string' ? Buffer.from(p.content, 'utf8') : Buffer.from(p.content)));
  const infos: PartInfo[] = parts.map((p, i) => ({
    partId: `part-${i}`,
    kind: p.kind,
    contentType: p.contentType,
    size: bytes[i]!.length,
    ...(p.filename === undefined ? {} : { filename: p.filename }),
  }));
  const envelope: MessageEnvelope = {
    headers: options.headers ?? {},
    kind: 'note',
    deliveryReport: false,
    suppressNdr: false,
    ...(options.from === undefined ? {} : { from: parseRecipient(options.from) }),
    subject: options.subject ?? 'xport conformance',
  };
  const message: OutboundMessage = {
    id: options.id ?? 'fixture-message-1',
    envelope,
    recipients,
    parts: infos,
    size: bytes.reduce((sum, b) => sum + b.length, 0),
    submittedAt: options.submittedAt ?? Date.now(),
    openPart(partId) {
      const index = infos.findIndex((p) => p.partId === partId);
      if (index < 0) throw new Error(`fixture message: no part "${partId}" (parts: ${infos.map((p) => p.partId).join(', ')})`);
      return Readable.from([bytes[index]!]);
    },
  };
  return { message, assigned: recipients.map((r, index) => ({ index, recipient: r.recipient, role: r.role, attempts: 0 })) };
}
