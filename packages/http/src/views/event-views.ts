import type { DeliveryEvent } from '@xport/provider-sdk';

const toTime = (ms: number): string => new Date(ms).toISOString();

/** An event as the API answers it (`DeliveryEvent` schema): RFC 3339 times, optional fields absent. */
export function toEventView(e: DeliveryEvent): Record<string, unknown> {
  const view: Record<string, unknown> = { id: e.id, type: e.type, at: toTime(e.at), messageId: e.messageId };
  if (e.recipientIndex !== undefined) view.recipientIndex = e.recipientIndex;
  if (e.recipient !== undefined) view.recipient = e.recipient;
  if (e.provider !== undefined) view.provider = e.provider;
  if (e.attempts !== undefined) view.attempts = e.attempts;
  if (e.error !== undefined) view.error = { code: e.error.code, diagnostic: e.error.diagnostic };
  if (e.nextAttemptAt !== undefined) view.nextAttemptAt = toTime(e.nextAttemptAt);
  if (e.mailbox !== undefined) view.mailbox = e.mailbox;
  return view;
}

/** One Server-Sent Events frame: `id:` the event id, `event:` its type, `data:` its JSON (one line). */
export function toSseFrame(e: DeliveryEvent): string {
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(toEventView(e))}\n\n`;
}
