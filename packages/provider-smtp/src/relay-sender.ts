import type Mail from 'nodemailer/lib/mailer/index.js';
import { checkSmtpAddress, hasUtf8LocalPart, outcome, type AssignedRecipient, type OutboundMessage, type Recipient, type RecipientOutcome } from '@xport/provider-sdk';
import { watchAbort } from './abort-watch.js';
import { findUtf8HeaderAddress, toEnvelopeAddress } from './international-addresses.js';
import { OpenedParts, toMailOptions, toSmtpSender } from './mime-message.js';
import type { RelayDsn } from './relay-dsn.js';
import { isReportMessage, toReportMailOptions } from './report-mime.js';
import type { RelayTransporter } from './relay-transporter.js';
import { classifyTransactionError, toRecipientOutcomes, type RcptRecord } from './send-outcomes.js';
import { asSmtpClientError, type SmtpClientError } from './smtp-error.js';
import { toDiagnostic } from './smtp-reply.js';

// nodemailer copies mail data keys it does not know; a plugin reads this one to capture the
// SMTP envelope object, on which the client records RCPT TO results even when a later step
// (DATA, the final reply) fails and the error itself no longer carries them.
const RCPT_PROBE = 'xportRcptProbe';

/** Installs the plugin that hands each message's live SMTP envelope to the send that asked for it. */
export function installRcptProbe(transporter: RelayTransporter): void {
  transporter.use('stream', (mail, done) => {
    const probe = (mail.data as Record<string, unknown>)[RCPT_PROBE];
    if (typeof probe === 'function') (probe as (record: RcptRecord) => void)(mail.message.getEnvelope() as RcptRecord);
    done();
  });
}

/** The relay as one send sees it. */
export interface RelayRoute {
  readonly transporter: RelayTransporter;
  /** `host:port`, for diagnostics. */
  readonly name: string;
  readonly senderDomain?: string;
  /** Whether the relay offers SMTPUTF8; asked of the relay once, when a message first needs it. */
  offersSmtpUtf8(): Promise<boolean>;
  /** Whether the relay offers DSN (RFC 3461); asked the same way, when a delivery needs to know. */
  offersDsn(): Promise<boolean>;
}

export interface RelayAttempt {
  readonly outcomes: RecipientOutcome[];
  /** The error that ended the transaction, when there was one. */
  readonly error?: SmtpClientError;
}

const ABORTED = Symbol('aborted');

/**
 * RFC 6531 without SMTPUTF8 at the relay: what cannot go is refused for good with 5.6.7, as
 * Postfix does, instead of sending UTF-8 to a server that never agreed to read it. A UTF-8 header
 * block fails every recipient; otherwise only those whose own address is non-ASCII fail.
 */
function refuseWithoutSmtpUtf8(addresses: readonly string[], inHeaders: string | undefined, relayName: string): Map<string, RecipientOutcome> {
  const why = (address: string): RecipientOutcome =>
    outcome.failed('5.6.7', toDiagnostic(`relay ${relayName} does not offer SMTPUTF8 (RFC 6531), which the non-ASCII address ${address} needs`));
  const refused = new Map<string, RecipientOutcome>();
  for (const address of addresses) {
    if (inHeaders !== undefined) refused.set(address, why(inHeaders));
    else if (hasUtf8LocalPart(address)) refused.set(address, why(address));
  }
  return refused;
}

/**
 * Sends one message through the relay to the recipients the kernel assigned and returns their
 * outcomes in order, in one transaction with the DSN parameters `dsn` (see relay-dsn.ts). Addresses are checked before they reach the wire and go there in their
 * envelope form (ASCII domains); an abort releases the content streams (the server never sees the
 * final ".") and defers everyone.
 */
export async function sendThroughRelay(
  route: RelayRoute,
  message: OutboundMessage,
  recipients: readonly AssignedRecipient[],
  signal: AbortSignal,
  dsn?: RelayDsn,
  returnPath?: Recipient,
): Promise<RelayAttempt> {
  const early = recipients.map((r): RecipientOutcome | undefined => {
    if (r.recipient.type !== 'smtp') return outcome.notMe();
    const problem = checkSmtpAddress(r.recipient.address);
    return problem === undefined ? undefined : outcome.failed('5.1.3', problem);
  });
  const envelopeOf = recipients.map((r, i) => (early[i] === undefined ? toEnvelopeAddress(r.recipient.address) : ''));
  let addresses = [...new Set(envelopeOf.filter((address) => address !== ''))];
  const refused = new Map<string, RecipientOutcome>();
  const finish = (byAddress: Map<string, RecipientOutcome>): RecipientOutcome[] =>
    recipients.map(
      (_, i) =>
        early[i] ?? refused.get(envelopeOf[i]!) ?? byAddress.get(envelopeOf[i]!) ?? outcome.deferred({ code: '4.3.0', diagnostic: 'no result recorded' }),
    );
  if (addresses.length === 0) return { outcomes: finish(new Map()) };
  const aborted = (): RelayAttempt => ({
    outcomes: finish(new Map(addresses.map((a) => [a, outcome.deferred({ code: '4.3.2', diagnostic: 'send aborted by the kernel' })]))),
  });
  if (signal.aborted) return aborted();

  const inHeaders = findUtf8HeaderAddress(message, toSmtpSender(message.envelope.from, route.senderDomain));
  if (inHeaders !== undefined || addresses.some(hasUtf8LocalPart)) {
    let offered: boolean | typeof ABORTED;
    try {
      offered = await raceAbort(route.offersSmtpUtf8(), signal);
    } catch (caught) {
      const error = asSmtpClientError(caught);
      return { outcomes: finish(new Map(addresses.map((a) => [a, classifyTransactionError(error)]))), error };
    }
    if (offered === ABORTED) return aborted();
    if (!offered) {
      for (const [address, result] of refuseWithoutSmtpUtf8(addresses, inHeaders, route.name)) refused.set(address, result);
      addresses = addresses.filter((address) => !refused.has(address));
      if (addresses.length === 0) return { outcomes: finish(new Map()) };
    }
  }

  const parts = new OpenedParts();
  let record: RcptRecord | undefined;
  try {
    // A report the kernel wrote goes out as a DSN (multipart/report, MAIL FROM:<>); anything else as the message it is.
    const { options } = isReportMessage(message) ? await toReportMailOptions(message, addresses) : toMailOptions(message, addresses, parts, route.senderDomain);
    if (dsn !== undefined && !isReportMessage(message)) options.dsn = dsn;
    // A VERP return path (RFC 5233 sub-address of reports.verp) replaces the sender in MAIL FROM only.
    if (returnPath !== undefined && !isReportMessage(message) && options.envelope !== undefined) options.envelope = { ...options.envelope, from: toEnvelopeAddress(returnPath.address) } as Mail.Envelope;
    const sending = route.transporter.sendMail({ ...options, [RCPT_PROBE]: (r: RcptRecord) => (record = r) } as Mail.Options);
    const result = await raceAbort(sending, signal, parts);
    if (result === ABORTED) return aborted();
    return { outcomes: finish(toRecipientOutcomes(addresses, { record: result, response: result.response })) };
  } catch (caught) {
    const error = asSmtpClientError(caught);
    return { outcomes: finish(toRecipientOutcomes(addresses, { ...(record ? { record } : {}), error })), error };
  } finally {
    parts.destroyAll();
  }
}

/** Waits for `work` unless `signal` aborts first; then the content streams are failed, if given. */
async function raceAbort<T>(work: Promise<T>, signal: AbortSignal, parts?: OpenedParts): Promise<T | typeof ABORTED> {
  let unwatch: (() => void) | undefined;
  const abort = new Promise<typeof ABORTED>((resolve) => {
    unwatch = watchAbort(signal, () => {
      // Failing the content makes nodemailer drop the connection before the final ".".
      parts?.destroyAll(new Error('send aborted'));
      resolve(ABORTED);
    });
  });
  try {
    return await Promise.race([work, abort]);
  } finally {
    unwatch?.();
    work.catch(() => undefined);
  }
}
