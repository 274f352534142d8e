import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { sendThroughRelay, type RelayAttempt, type RelayRoute } from './relay-sender.js';
import { findRecipientDsn, toSmtpNotify, wantsReport, type AssignedRecipient, type DsnNotify, type OutboundMessage, type Recipient, type RecipientOutcome } from '@xport/provider-sdk';

/** The DSN parameters of one SMTP transaction, as nodemailer takes them (it sends them only to a relay that offers DSN). */
export type RelayDsn = NonNullable<SMTPPool.MailOptions['dsn']>;

/** Recipients of one send that go in one transaction, with the DSN parameters of that transaction. */
export interface DsnGroup {
  readonly recipients: readonly AssignedRecipient[];
  readonly dsn?: RelayDsn;
  /** The envelope sender of the transaction, when the kernel gave its recipients a VERP return path. */
  readonly returnPath?: Recipient;
}

// With deliveryReport (xport's own request) and no NOTIFY of the sender's: what the relay is asked.
function notifyFor(message: OutboundMessage, notify: DsnNotify | undefined): string | undefined {
  if (notify !== undefined) return toSmtpNotify(notify);
  const env = message.envelope;
  if (env.deliveryReport) return env.suppressNdr ? 'SUCCESS' : 'SUCCESS,FAILURE,DELAY';
  return env.suppressNdr ? 'NEVER' : undefined;
}

/**
 * The recipients of one send, grouped into SMTP transactions by the DSN parameters of their RCPT TO.
 * nodemailer writes one NOTIFY and one ORCPT for every RCPT TO of a transaction, so recipients whose
 * NOTIFY or ORCPT differ go in transactions of their own (one per distinct pair, in order of first
 * appearance). A message without DSN parameters, or whose recipients all ask the same, is one
 * transaction, as before. Recipients with a VERP return path (`returnPath`, one per recipient) each
 * go in a transaction of their own, sent from that path. RET and ENVID are the sender's; without an ENVID the xport message id is
 * passed, so a DSN that comes back names the message.
 */
export function groupByDsn(message: OutboundMessage, recipients: readonly AssignedRecipient[]): DsnGroup[] {
  const env = message.envelope;
  const groups = new Map<string, { recipients: AssignedRecipient[]; dsn?: RelayDsn; returnPath?: Recipient }>();
  for (const r of recipients) {
    const asked = findRecipientDsn(env.dsn, r.recipient);
    const notify = notifyFor(message, asked.notify);
    const orcpt = asked.originalRecipient === undefined ? undefined : `${asked.originalRecipient.type};${asked.originalRecipient.value}`;
    const key = `${notify ?? ''}\n${orcpt ?? ''}\n${r.returnPath?.address ?? ''}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = r.returnPath === undefined ? { recipients: [] } : { recipients: [], returnPath: r.returnPath };
      if (notify !== undefined || orcpt !== undefined || env.dsn !== undefined) {
        group.dsn = {
          envid: env.dsn?.envelopeId ?? message.id,
          // The sender's RET; xport's own deliveryReport asks for headers. (nodemailer's type spells
          // FULL "Full"; it writes the value upper-cased.)
          ...(env.dsn === undefined ? { ret: 'HDRS' } : env.dsn.ret === undefined ? {} : { ret: env.dsn.ret === 'full' ? 'Full' : 'HDRS' }),
          ...(notify === undefined ? {} : { notify: notify as RelayDsn['notify'] }),
          ...(orcpt === undefined ? {} : { orcpt }),
        };
      }
      groups.set(key, group);
    }
    group.recipients.push(r);
  }
  return [...groups.values()];
}

/** Whether a recipient asked for a success report (NOTIFY=SUCCESS): only then does xport say how its delivery left (RFC 3461 §5.2.2). */
export function asksForSuccess(message: OutboundMessage, recipient: AssignedRecipient): boolean {
  return wantsReport(findRecipientDsn(message.envelope.dsn, recipient.recipient).notify, 'success');
}

/**
 * Marks the deliveries of recipients that asked for a success report: `passed-on` when the relay
 * offers DSN (it got NOTIFY and reports from now on), `relayed` when it does not (xport's report
 * then says `Action: relayed`).
 */
export function markHandOff(outcomes: readonly RecipientOutcome[], asked: readonly boolean[], relayOffersDsn: boolean): RecipientOutcome[] {
  return outcomes.map((o, i) => (o.status === 'delivered' && asked[i] === true ? { ...o, handOff: relayOffersDsn ? 'passed-on' : 'relayed' } : o));
}

/**
 * Sends one message through the relay in as many transactions as its recipients' DSN parameters
 * need (`groupByDsn`, one in the usual case), and returns the outcomes in the order of `recipients`
 * with the deliveries that asked for success reports marked (`markHandOff`). Whether the relay
 * offers DSN is asked of it once (the capability probe), only when such a recipient was delivered;
 * when that cannot be told, the delivery counts as relayed, so the sender is told something rather
 * than nothing.
 */
export async function sendInTransactions(route: RelayRoute, message: OutboundMessage, recipients: readonly AssignedRecipient[], signal: AbortSignal): Promise<RelayAttempt> {
  const groups = groupByDsn(message, recipients);
  const attempts: RelayAttempt[] = [];
  for (const group of groups) attempts.push(await sendThroughRelay(route, message, group.recipients, signal, group.dsn, group.returnPath));
  const byRecipient = new Map<AssignedRecipient, RecipientOutcome>();
  groups.forEach((group, g) => group.recipients.forEach((r, i) => byRecipient.set(r, attempts[g]!.outcomes[i]!)));
  let outcomes = recipients.map((r) => byRecipient.get(r)!);
  const asked = recipients.map((r) => asksForSuccess(message, r));
  if (outcomes.some((o, i) => o.status === 'delivered' && asked[i])) outcomes = markHandOff(outcomes, asked, await route.offersDsn().catch(() => false));
  const error = attempts.find((a) => a.error !== undefined)?.error;
  return error === undefined ? { outcomes } : { outcomes, error };
}
