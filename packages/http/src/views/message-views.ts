import type { InboxEntry, MessageEnvelope, PartInfo, Recipient, StoredMessage, StoredRecipient } from '@xport/provider-sdk';
import type { MessageHistory } from '@xport/core';
import { toEventView } from './event-views.js';

// What the API answers for stored things: the store's records, with RFC 3339 times and a link to
// each part's bytes. Built by assignment so optional fields are absent rather than undefined.

/** Epoch ms as the RFC 3339 time every response carries. */
export const toTime = (ms: number): string => new Date(ms).toISOString();

function toRecipientView(r: Recipient): Recipient {
  return r.name === undefined ? { type: r.type, address: r.address } : { type: r.type, address: r.address, name: r.name };
}

function toEnvelopeView(e: MessageEnvelope): Record<string, unknown> {
  const view: Record<string, unknown> = { headers: e.headers, kind: e.kind, deliveryReport: e.deliveryReport, suppressNdr: e.suppressNdr };
  if (e.from) view.from = toRecipientView(e.from);
  if (e.subject !== undefined) view.subject = e.subject;
  if (e.messageId !== undefined) view.messageId = e.messageId;
  if (e.reportFor !== undefined) view.reportFor = e.reportFor;
  // Plain data the kernel validated; the response schema (Envelope) keeps only its known fields.
  if (e.dsn !== undefined) view.dsn = e.dsn;
  return view;
}

function toPartView(part: PartInfo, base: string): Record<string, unknown> {
  const view: Record<string, unknown> = { partId: part.partId, kind: part.kind, contentType: part.contentType, size: part.size, href: `${base}/parts/${encodeURIComponent(part.partId)}` };
  if (part.filename !== undefined) view.filename = part.filename;
  if (part.contentId !== undefined) view.contentId = part.contentId;
  return view;
}

function toRecipientStatusView(r: StoredRecipient): Record<string, unknown> {
  const view: Record<string, unknown> = {
    index: r.index,
    recipient: toRecipientView(r.recipient),
    role: r.role,
    provider: r.provider,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.nextAttemptAt === null ? null : toTime(r.nextAttemptAt),
    updatedAt: toTime(r.updatedAt),
  };
  if (r.lastError) view.lastError = { code: r.lastError.code, diagnostic: r.lastError.diagnostic };
  if (r.expiresWhileHeld === true) view.expiresWhileHeld = true;
  return view;
}

/** Where a message is read: `/v1/messages/<id>`. */
export const messagePath = (id: string): string => `/v1/messages/${encodeURIComponent(id)}`;
/** Where an inbox entry is read: `/v1/inbox/<mailbox>/<id>`. */
export const inboxEntryPath = (mailbox: string, id: string): string => `/v1/inbox/${encodeURIComponent(mailbox)}/${encodeURIComponent(id)}`;

/** A stored message; with its history, each recipient carries its `timeline` and the message its own `events`. */
export function toMessageView(m: StoredMessage, history?: MessageHistory): Record<string, unknown> {
  const base = messagePath(m.id);
  const timelines = history?.eventsKept === true ? history.timelines : undefined;
  const view: Record<string, unknown> = {
    id: m.id,
    envelope: toEnvelopeView(m.envelope),
    recipients: m.recipients.map((r, i) => {
      const status = toRecipientStatusView(r);
      if (timelines !== undefined) status.timeline = (timelines[i] ?? []).map(toEventView);
      return status;
    }),
    parts: m.parts.map((p) => toPartView(p, base)),
    size: m.size,
    submittedAt: toTime(m.submittedAt),
    expiresAt: toTime(m.expiresAt),
  };
  if (m.finishedAt !== undefined) view.finishedAt = toTime(m.finishedAt);
  if (m.idempotencyKey !== undefined) view.idempotencyKey = m.idempotencyKey;
  if (history?.eventsKept === true) view.events = history.messageEvents.map(toEventView);
  return view;
}

export function toInboxEntryView(e: InboxEntry): Record<string, unknown> {
  const base = inboxEntryPath(e.mailbox, e.id);
  const view: Record<string, unknown> = {
    id: e.id,
    mailbox: e.mailbox,
    envelope: toEnvelopeView(e.envelope),
    parts: e.parts.map((p) => toPartView(p, base)),
    size: e.size,
    receivedAt: toTime(e.receivedAt),
    read: e.read,
  };
  if (e.receivedBy !== undefined) view.receivedBy = e.receivedBy;
  return view;
}

export { toRecipientView };
