import {
  toMailboxKey,
  XportError,
  type InboundMessage,
  type InboundPort,
  type InboundReceipt,
  type InboundVerdict,
  type MessageEnvelope,
  type MessageKind,
  type ReceiveRequest,
  type Recipient,
} from '@xport/provider-sdk';
import { toContentParts } from './content-parts.js';
import type { SpoolerEmitter, SpoolerEvents } from './events.js';
import type { HookGate, JudgingHook } from './hook-gate.js';
import type { SpoolerHost } from './host.js';
import { recogniseDsn, toReportedFailures, type RecognisedDsn } from './inbound-bounce.js';
import { toDeliveredEvent, writeDeliveredReport } from './inbound-reports.js';
import { applyLateBounce } from './late-bounce.js';
import { DEFAULT_REPORT_OPTIONS, type ReportOptions } from './report-options.js';
import { recordHardBounces } from './suppression.js';
import { toDsnRequest } from './validate-dsn.js';
import { checkHeaderField, checkHeaders, toDraftRecipient } from './validate-message.js';

type InboundHost = Pick<SpoolerHost, 'store' | 'clock' | 'logger' | 'hooks' | 'options' | 'reports' | 'routing' | 'verp'>;

/** Runs inbound hooks in order; returns the message to keep, or the reason the first rejecting hook gave. */
async function applyInboundHooks(hooks: readonly JudgingHook[], message: InboundMessage): Promise<{ message: InboundMessage } | { reason: string }> {
  let current = message;
  for (const { id, hook } of hooks) {
    // The gate passes only hooks that have an inbound method; a missing one reads as no verdict.
    const verdict = (await hook.inbound?.(current)) as InboundVerdict;
    if (verdict?.action === 'reject') return { reason: `inbound hook '${id}' rejected the message: ${String(verdict.reason)}` };
    if (verdict?.action === 'rewrite') current = verdict.message;
    else if (verdict?.action !== 'pass') throw new XportError('XPORT_MESSAGE_REJECTED', `inbound hook '${id}' returned an unknown verdict`, { details: { hook: id } });
  }
  return { message: current };
}

/** Distinct mailbox keys, in first-seen order (one recipient, the usual case, needs no set). */
function toMailboxes(recipients: readonly Parameters<typeof toMailboxKey>[0][]): string[] {
  if (recipients.length === 1) return [toMailboxKey(recipients[0]!)];
  return [...new Set(recipients.map((r) => toMailboxKey(r)))];
}

// Built by assignment, not by spreading conditional objects: this runs once per inbound message.
function toInboundEnvelope(message: InboundMessage, from: MessageEnvelope['from'], kind: MessageEnvelope['kind']): MessageEnvelope {
  const envelope: { -readonly [K in keyof MessageEnvelope]: MessageEnvelope[K] } = { headers: checkHeaders(message.headers), kind, deliveryReport: false, suppressNdr: false };
  if (from) envelope.from = from;
  if (message.subject !== undefined) envelope.subject = message.subject;
  if (message.messageId !== undefined) envelope.messageId = message.messageId;
  if (message.reportFor !== undefined) envelope.reportFor = message.reportFor;
  // Kept with the entries, so an application that passes the message on can pass the sender's wishes on too.
  if (message.dsn !== undefined) envelope.dsn = toDsnRequest(message.dsn, 'inbound dsn');
  return envelope;
}

function emitReceived(events: SpoolerEmitter, entries: SpoolerEvents['received']['entries'], kind: MessageKind, message: InboundMessage): void {
  const event: { -readonly [K in keyof SpoolerEvents['received']]: SpoolerEvents['received'][K] } = { entries, kind };
  if (message.receivedBy !== undefined) event.receivedBy = message.receivedBy;
  if (message.reportFor !== undefined) event.reportFor = message.reportFor;
  events.emit('received', event);
}

/**
 * Where a recognised DSN is kept: the mailboxes it is addressed to, but not a VERP return path (no
 * one's mailbox), and the bounce mailbox while xport cannot correlate it to a message of its own —
 * every bounce, until correlation comes — or when it would have no mailbox at all.
 */
function toDsnMailboxes(recipients: readonly Recipient[], dsn: RecognisedDsn, options: ReportOptions): string[] {
  const returnPaths = new Set(dsn.returnPaths.map((r) => toMailboxKey(r)));
  const mailboxes = toMailboxes(recipients).filter((mailbox) => !returnPaths.has(mailbox));
  const bounces = toMailboxKey(options.bounceMailbox);
  if ((dsn.bounce || mailboxes.length === 0) && !mailboxes.includes(bounces)) mailboxes.push(bounces);
  return mailboxes;
}

function logDsn(host: InboundHost, dsn: RecognisedDsn, receivedBy: string | undefined, mailboxes: readonly string[]): void {
  host.logger.info(dsn.bounce ? 'inbound bounce recognised' : 'inbound delivery status notification recognised', {
    receivedBy,
    reportingMta: dsn.status.reportingMta.value,
    envelopeId: dsn.envelopeId,
    originalMessageId: dsn.originalMessageId,
    verpToken: dsn.verpToken,
    recipients: dsn.recipients.map((r) => ({ address: r.address, action: r.action, status: r.status, class: r.class })),
    mailboxes,
  });
}

/**
 * After the store kept a bounce: the recipients it ties to messages xport sent fail late (and count
 * for the suppression list when they do, see `applyLateBounce`); the hard failures it reports for
 * anyone else count as before, unless it came to a forged VERP return path. The bounce is kept whatever happens here: an error is logged.
 */
async function settleBounce(host: InboundHost, dsn: RecognisedDsn, now: number): Promise<void> {
  let correlated: ReadonlySet<unknown> = new Set();
  try {
    const late = await applyLateBounce(host, dsn, now);
    // A forged return path counts for no one: a stranger must not suppress an address either.
    if (late.forged) return;
    correlated = new Set(late.correlated.map((c) => c.block));
  } catch (err) {
    host.logger.error('could not correlate an inbound bounce; it stays in the bounce mailbox', { envelopeId: dsn.envelopeId, error: String(err) });
  }
  await recordHardBounces(host, toReportedFailures(dsn, correlated), now);
}

/**
 * The kernel's inbound path (MAPI's StartMessage + SpoolerNotify(NEWMAIL)): inbound hooks (refusing
 * the message while a hook that would judge it is not online), then one inbox entry per recipient
 * mailbox, then a `received` event. A delivery status notification (RFC 3464) is recognised and
 * kept as kind `report.dsn` (see `recogniseDsn`, `toDsnMailboxes`), and the hard failures it reports
 * are counted for the suppression list. Resolves only once the store has
 * accepted, and rejects if it did not, so the transport never acknowledges what was not kept.
 */
export function createInboundPort(host: InboundHost, events: SpoolerEmitter, gate: HookGate): InboundPort {
  return {
    async deliver(input: InboundMessage): Promise<InboundReceipt> {
      if (typeof input !== 'object' || input === null || !Array.isArray(input.recipients) || input.recipients.length === 0) {
        throw new XportError('XPORT_MESSAGE_INVALID', 'inbound message has no recipients', {});
      }
      const hooks = host.hooks();
      // No hook, no await: this runs once per inbound message. A hook that is down refuses here
      // (XPORT_HOOK_UNAVAILABLE, a temporary failure: the transport asks the sender to retry).
      const judging = hooks.length === 0 ? undefined : gate.select(hooks, 'inbound');
      const verdict = judging === undefined || judging.length === 0 ? { message: input } : await applyInboundHooks(judging, input);
      if ('reason' in verdict) {
        const mailboxes = toMailboxes(input.recipients);
        host.logger.info('inbound message rejected by a hook', { reason: verdict.reason, receivedBy: input.receivedBy });
        return { entries: [], rejected: mailboxes.map((mailbox) => ({ mailbox, reason: verdict.reason })) };
      }
      const message = verdict.message;
      const recipients = message.recipients.map((r, i) => toDraftRecipient(r, `inbound recipients[${i}]`));
      const from = message.from === undefined ? undefined : toDraftRecipient(message.from, 'inbound from');
      let kind = message.kind ?? 'note';
      // A transport that set a kind knows what it hands over (a report of xport's own, say).
      const dsn = kind === 'note' ? recogniseDsn(message, recipients, host.reports ?? DEFAULT_REPORT_OPTIONS) : undefined;
      if (dsn !== undefined) kind = 'report.dsn';
      const mailboxes = dsn === undefined ? toMailboxes(recipients) : toDsnMailboxes(recipients, dsn, host.reports ?? DEFAULT_REPORT_OPTIONS);
      if (message.subject !== undefined) checkHeaderField('Subject', message.subject);
      const content = toContentParts(message, host.options.maxMessageBytes);
      // Built by assignment, not by spreading conditional objects (see toInboundEnvelope).
      const envelope = toInboundEnvelope(message, from, kind);
      const request: { -readonly [K in keyof ReceiveRequest]: ReceiveRequest[K] } = { mailboxes, envelope, parts: content.parts, receivedAt: host.clock.now() };
      if (message.receivedBy !== undefined) request.receivedBy = message.receivedBy;
      if (message.idempotencyKey !== undefined) request.idempotencyKey = message.idempotencyKey;
      let entries: Array<{ mailbox: string; id: string }>;
      try {
        entries = await host.store.receive(request);
      } catch (err) {
        throw content.overLimit() ?? err;
      }
      if (dsn !== undefined) logDsn(host, dsn, message.receivedBy, mailboxes);
      if (dsn?.bounce === true) await settleBounce(host, dsn, request.receivedAt);
      const first = entries[0];
      const success = first === undefined ? undefined : toDeliveredEvent(message, envelope.dsn, envelope, { id: first.id, receivedAt: request.receivedAt, expiresAt: request.receivedAt + host.options.retry.lifetimeMs });
      if (success !== undefined) await writeDeliveredReport(host, success, request.receivedAt);
      if (events.heard('received')) emitReceived(events, entries, kind, message);
      return { entries, rejected: [] };
    },
  };
}
