import {
  DELIVERY_STATUS_TYPE,
  RETURNED_HEADERS_TYPE,
  classifyBounce,
  findReturnedMessageId,
  fromDsnAddress,
  parseDeliveryStatus,
  type BounceClass,
  type DeliveryStatus,
  type DsnAction,
  type InboundMessage,
  type Recipient,
  type RecipientError,
} from '@xport/provider-sdk';
import type { ReportOptions } from './report-options.js';

/** One recipient of a recognised DSN: what happened, and what that says about the address. */
export interface BouncedRecipient {
  /** As the DSN names it (`rfc822; bob@example.net` → type `rfc822`, value `bob@example.net`). */
  readonly address: string;
  readonly action: DsnAction;
  readonly status: string;
  readonly diagnostic?: string;
  /** For a failure or delay: hard, soft, policy or other (see docs/reports.md). */
  readonly class?: BounceClass;
}

/**
 * An inbound delivery status notification, as the inbound path recognised it: the fields per
 * recipient and the keys that can tie it to a message xport sent — the `ENVID` it was sent with
 * (Original-Envelope-Id), the original Message-ID (from the returned header), and the VERP token of
 * the return path it came back to.
 */
export interface RecognisedDsn {
  readonly status: DeliveryStatus;
  readonly recipients: readonly BouncedRecipient[];
  /** True when a recipient failed or was delayed: a bounce, not only a success notice. */
  readonly bounce: boolean;
  readonly envelopeId?: string;
  readonly originalMessageId?: string;
  /** What followed `+` in the VERP return path it was addressed to (`reports.verp`). */
  readonly verpToken?: string;
  /** Its recipients that are VERP return paths: no one's mailbox. */
  readonly returnPaths: readonly Recipient[];
}

// A delivery-status part larger than this is not read: real ones are a few KiB.
const MAX_STATUS_BYTES = 256 * 1024;

const mediaType = (contentType: string | undefined): string => (contentType ?? '').split(';')[0]!.trim().toLowerCase();

/** A part's text when it was handed over whole (bytes or a string); a streamed part is not read here. */
function toText(content: unknown): string | undefined {
  if (typeof content === 'string') return content.length <= MAX_STATUS_BYTES ? content : undefined;
  if (content instanceof Uint8Array) return content.byteLength <= MAX_STATUS_BYTES ? Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('utf8') : undefined;
  return undefined;
}

/** The VERP token of `address` when it is the configured base with `+<token>` (RFC 5233 sub-address form). */
function toVerpToken(recipient: Recipient, verp: ReportOptions['verp']): string | undefined {
  if (verp === undefined || recipient.type !== 'smtp') return undefined;
  const at = recipient.address.lastIndexOf('@');
  const local = recipient.address.slice(0, at);
  const plus = local.indexOf('+');
  if (plus <= 0 || recipient.address.slice(at + 1).toLowerCase() !== verp.domain || local.slice(0, plus).toLowerCase() !== verp.local.toLowerCase()) return undefined;
  const token = local.slice(plus + 1);
  return token === '' ? undefined : token;
}

/**
 * Recognises a delivery status notification on the inbound path, whichever transport received it:
 * a message with a `message/delivery-status` part (handed over whole) that parses per RFC 3464 with
 * at least one recipient. `to` are its (checked) recipients. Undefined for anything else.
 *
 * @example
 * const dsn = recogniseDsn(message, recipients, options);
 * dsn?.recipients[0] // { address: 'bob@example.net', action: 'failed', status: '5.1.1', class: 'hard', ... }
 */
export function recogniseDsn(message: InboundMessage, to: readonly Recipient[], options: ReportOptions): RecognisedDsn | undefined {
  const attachments = message.attachments ?? [];
  const statusPart = attachments.find((a) => mediaType(a.contentType) === DELIVERY_STATUS_TYPE);
  const statusText = statusPart === undefined ? undefined : toText(statusPart.content);
  const status = statusText === undefined ? undefined : parseDeliveryStatus(statusText);
  if (status === undefined) return undefined;

  const recipients = status.recipients.map((r): BouncedRecipient => {
    const out: { -readonly [K in keyof BouncedRecipient]: BouncedRecipient[K] } = { address: r.finalRecipient.value, action: r.action, status: r.status };
    if (r.diagnosticCode !== undefined) out.diagnostic = r.diagnosticCode.value;
    if (r.action === 'failed' || r.action === 'delayed') {
      const classified = classifyBounce(r.status, r.diagnosticCode?.value);
      if (classified !== undefined) out.class = classified.class;
    }
    return out;
  });
  const returned = attachments.find((a) => {
    const type = mediaType(a.contentType);
    return type === RETURNED_HEADERS_TYPE || type === 'message/rfc822';
  });
  const returnedText = returned === undefined ? undefined : toText(returned.content);
  const dsn: { -readonly [K in keyof RecognisedDsn]: RecognisedDsn[K] } = {
    status,
    recipients,
    bounce: status.recipients.some((r) => r.action === 'failed' || r.action === 'delayed'),
    returnPaths: [],
  };
  if (status.originalEnvelopeId !== undefined) dsn.envelopeId = status.originalEnvelopeId;
  const originalMessageId = returnedText === undefined ? undefined : findReturnedMessageId(returnedText);
  if (originalMessageId !== undefined) dsn.originalMessageId = originalMessageId;
  const returnPaths: Recipient[] = [];
  for (const recipient of to) {
    const token = toVerpToken(recipient, options.verp);
    if (token === undefined) continue;
    returnPaths.push(recipient);
    dsn.verpToken ??= token;
  }
  dsn.returnPaths = returnPaths;
  return dsn;
}

/**
 * The recipients a recognised DSN reports `failed`, as addresses xport can name (its
 * `Final-Recipient`, `fromDsnAddress`) with their status and diagnostic: what the suppression list
 * counts when the status is a hard bounce. `except`: blocks already settled otherwise (correlated
 * ones count when their recipient fails late, see `applyLateBounce`).
 */
export function toReportedFailures(dsn: RecognisedDsn, except: ReadonlySet<unknown> = new Set()): Array<{ readonly recipient: Recipient; readonly error: RecipientError }> {
  const failures: Array<{ recipient: Recipient; error: RecipientError }> = [];
  for (const r of dsn.status.recipients) {
    if (r.action !== 'failed' || except.has(r)) continue;
    const recipient = fromDsnAddress(r.finalRecipient);
    if (recipient !== undefined) failures.push({ recipient, error: { code: r.status, diagnostic: r.diagnosticCode?.value ?? '' } });
  }
  return failures;
}
