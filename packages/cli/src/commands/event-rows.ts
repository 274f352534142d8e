import type { DeliveryEvent } from '@xport/provider-sdk';
import { formatTime } from '../output.js';

/** The columns an event is shown with, in `xport events` and `xport message`. */
export const EVENT_HEAD = ['id', 'time', 'event', 'message', 'recipient', 'attempts', 'code / diagnostic', 'provider'] as const;

/** An event's code and diagnostic, its next attempt for a deferral, its mailbox for a receipt. */
export function describeEvent(event: DeliveryEvent): string {
  const parts: string[] = [];
  if (event.error !== undefined) parts.push(`${event.error.code} ${event.error.diagnostic}`);
  if (event.nextAttemptAt !== undefined) parts.push(`next attempt ${formatTime(event.nextAttemptAt)}`);
  if (event.mailbox !== undefined) parts.push(`into ${event.mailbox}`);
  return parts.join('; ');
}

/** One table row for an event (see {@link EVENT_HEAD}). */
export function toEventRow(event: DeliveryEvent): Array<string | number> {
  return [
    event.id,
    formatTime(event.at),
    event.type,
    event.messageId,
    event.recipient ?? '-',
    event.attempts ?? '-',
    describeEvent(event),
    event.provider ?? '-',
  ];
}

/** One line for an event as it is followed (a table cannot grow row by row). */
export function toEventLine(event: DeliveryEvent): string {
  return `${toEventRow(event).join('  ')}\n`;
}
