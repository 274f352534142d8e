import { XportError } from '@xport/provider-sdk';
import { smtpReply } from './inbound-policy.js';

/** RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets; texts built from lists stay well inside. */
const MAX_REPLY_TEXT = 400;

/** An SMTP reply for smtp-server, and whether the fault is the client's content (5xx) or ours (4xx). */
export interface DeliveryReply {
  readonly reply: Error & { responseCode: number };
  readonly permanent: boolean;
}

/** `text` cut to `max` characters, with an ellipsis when it was longer. */
export function toBoundedText(text: string, max = MAX_REPLY_TEXT): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Joins `items` with `separator` into at most `max` characters: as many as fit, then
 * "(+N more)". For reply lines and log fields that would otherwise grow with the recipient count.
 *
 * @example
 * toBoundedList(['in-1', 'in-2', 'in-3'], ',', 16) // 'in-1 (+2 more)'
 */
export function toBoundedList(items: readonly string[], separator: string, max = MAX_REPLY_TEXT): string {
  let out = '';
  for (let i = 0; i < items.length; i += 1) {
    const next = i === 0 ? (items[i] as string) : `${out}${separator}${items[i] as string}`;
    const rest = items.length - i - 1;
    const tail = rest > 0 ? ` (+${rest} more)` : '';
    if (next.length + tail.length > max) return i === 0 ? `(+${items.length} more)` : `${out} (+${items.length - i} more)`;
    out = next;
  }
  return out;
}

function permanent(code: number, text: string): DeliveryReply {
  return { reply: smtpReply(code, toBoundedText(text)), permanent: true };
}

function temporary(code: number, text: string): DeliveryReply {
  return { reply: smtpReply(code, text), permanent: false };
}

/**
 * The reply to a message the kernel's inbound path refused (`inbound.deliver` threw). A refusal
 * caused by the message itself is permanent (5xx with an RFC 3463 enhanced code): the client must
 * not retry what will be refused again, and its sender gets a bounce. Only trouble on our side (the
 * store, a policy hook that is offline, anything unknown) is 4xx, so the client retries later.
 * The kernel's message is passed on for content errors only: it describes the client's own message.
 */
export function toDeliveryReply(error: unknown): DeliveryReply {
  if (!XportError.is(error)) return temporary(451, '4.3.0 Local error in processing; try again later');
  switch (error.code) {
    case 'XPORT_MESSAGE_INVALID':
      if (error.details.maxMessageBytes !== undefined) return permanent(552, `5.3.4 Message too big for system: ${error.message}`);
      return permanent(554, `5.6.0 Message content rejected: ${error.message}`);
    case 'XPORT_INPUT_TOO_LARGE':
      return permanent(552, `5.3.4 Message too big for system: ${error.message}`);
    case 'XPORT_ADDRESS_INVALID':
      return String(error.details.field ?? '').includes('from')
        ? permanent(553, `5.1.7 Bad sender address: ${error.message}`)
        : permanent(553, `5.1.3 Bad recipient address: ${error.message}`);
    case 'XPORT_MESSAGE_REJECTED':
      return permanent(550, `5.7.1 Message rejected: ${error.message}`);
    case 'XPORT_STORE_FULL':
      return temporary(452, '4.3.1 Insufficient system storage; try again later');
    case 'XPORT_HOOK_UNAVAILABLE':
      return temporary(451, '4.3.0 A policy check is unavailable; try again later');
    default:
      return temporary(451, '4.3.0 Local error in processing; try again later');
  }
}
