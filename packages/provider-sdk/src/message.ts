import type { Readable } from 'node:stream';
import type { Recipient } from './address.js';
import type { DsnInput, DsnRequest } from './dsn-request.js';

/** Where a recipient stands on the original message: shown in To or Cc, or hidden (Bcc). */
export type RecipientRole = 'to' | 'cc' | 'bcc';

/**
 * What kind of message this is: an ordinary note; a report the kernel wrote about another message
 * (`report.ndr` non-delivery, `report.dr` delivery, `report.delay` a delay warning); or `report.dsn`, a delivery status notification
 * another mail system sent (an RFC 3464 bounce the kernel recognised on the inbound path).
 */
export type MessageKind = 'note' | 'report.ndr' | 'report.dr' | 'report.delay' | 'report.dsn';

/** Content given to `submit`: a string, bytes, or a stream of bytes (read once, written to the store). */
export type ContentInput = string | Uint8Array | AsyncIterable<Uint8Array>;

export interface AttachmentInput {
  readonly filename: string;
  readonly contentType?: string;
  readonly contentId?: string;
  readonly content: ContentInput;
}

/** A message as an application submits it. Recipients may be objects or their text form. */
export interface MessageInput {
  readonly from?: Recipient | string;
  readonly to?: ReadonlyArray<Recipient | string>;
  readonly cc?: ReadonlyArray<Recipient | string>;
  readonly bcc?: ReadonlyArray<Recipient | string>;
  readonly subject?: string;
  /** Extra headers. Values must not contain CR, LF or other control characters. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly text?: string;
  readonly html?: string;
  readonly attachments?: readonly AttachmentInput[];
  /** RFC 5322 Message-ID to keep; a transport that writes MIME preserves it. */
  readonly messageId?: string;
  /** Submitting twice with the same key yields one message. */
  readonly idempotencyKey?: string;
  /** Ask for a delivery report in the sender's mailbox when a recipient is delivered. */
  readonly deliveryReport?: boolean;
  /** Do not write non-delivery reports for this message. */
  readonly suppressNdr?: boolean;
  /** The SMTP DSN parameters (RFC 3461): which reports the sender wants, per recipient; see {@link DsnInput}. */
  readonly dsn?: DsnInput;
}

/** The small, always-in-memory part of a stored message: everything but the content. */
export interface MessageEnvelope {
  readonly from?: Recipient;
  readonly subject?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly messageId?: string;
  readonly kind: MessageKind;
  /** For a report: the xport id of the message it is about. */
  readonly reportFor?: string;
  readonly deliveryReport: boolean;
  readonly suppressNdr: boolean;
  /** The DSN parameters the message was submitted or received with (RFC 3461), validated. */
  readonly dsn?: DsnRequest;
}

/** One stored piece of content: the text body, the HTML body, or an attachment. */
export interface PartInfo {
  readonly partId: string;
  readonly kind: 'text' | 'html' | 'attachment';
  readonly contentType: string;
  readonly size: number;
  readonly filename?: string;
  readonly contentId?: string;
}

/** Content as a store keeps it for writing: parts in order, each a byte source. */
export interface ContentPartInput {
  readonly kind: PartInfo['kind'];
  readonly contentType: string;
  readonly filename?: string;
  readonly contentId?: string;
  readonly content: ContentInput;
}

/** A recipient of a message handed to a transport, with its index in the stored message. */
export interface AssignedRecipient {
  readonly index: number;
  readonly recipient: Recipient;
  readonly role: RecipientRole;
  /** Attempts made before this one. */
  readonly attempts: number;
  /**
   * Where bounces for this recipient should go, when the kernel writes VERP return paths
   * (`reports.verp`): `bounces+<token>@example.org`. A transport with an envelope sender (SMTP's
   * `MAIL FROM`) uses it instead of the message's sender; absent, the sender as usual.
   */
  readonly returnPath?: Recipient;
}

/**
 * A queued message as a transport sees it. Content is streamed from the store on demand, so a
 * transport never needs the whole queue's bodies in memory.
 */
export interface OutboundMessage {
  readonly id: string;
  readonly envelope: MessageEnvelope;
  /** Every recipient of the message (for To/Cc headers); send only to the ones you are handed. */
  readonly recipients: ReadonlyArray<{ readonly recipient: Recipient; readonly role: RecipientRole }>;
  readonly parts: readonly PartInfo[];
  readonly size: number;
  readonly submittedAt: number;
  openPart(partId: string): Readable;
  /**
   * The whole part in one buffer, the same bytes `openPart` streams. Optional: the kernel's messages
   * have it, a message a preprocessor builds from scratch may not, so read through `readWholePart`.
   * Meant for parts small enough to hold (check `PartInfo.size`); it spares a stream per body.
   */
  readPart?(partId: string): Promise<Buffer>;
}

/** A message a transport received, handed to the kernel's inbound path. */
export interface InboundMessage {
  readonly from?: Recipient;
  /** The mailboxes it is for: each gets an inbox entry. */
  readonly recipients: readonly Recipient[];
  readonly subject?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly messageId?: string;
  readonly text?: string;
  readonly html?: string;
  readonly attachments?: readonly AttachmentInput[];
  readonly kind?: MessageKind;
  readonly reportFor?: string;
  /** Id of the provider that received it, set by the kernel. */
  readonly receivedBy?: string;
  /**
   * The same key twice yields the same inbox entries: lets a transport retry a hand-over whose
   * acknowledgement it lost without duplicating the message.
   */
  readonly idempotencyKey?: string;
  /** The DSN parameters the sender gave (the SMTP listener: MAIL FROM RET/ENVID, RCPT NOTIFY/ORCPT); validated and kept on the entries. */
  readonly dsn?: DsnInput;
  /**
   * Where reports about this message go: the SMTP envelope sender (MAIL FROM), absent for the null
   * sender. With `dsn`, a recipient that asked NOTIFY=SUCCESS gets a success report there once the
   * message is in its mailbox.
   */
  readonly returnPath?: Recipient;
}
