import type Mail from 'nodemailer/lib/mailer/index.js';
import { checkSmtpAddress, outcome, type AssignedRecipient, type OutboundMessage, type RecipientOutcome } from '@xport/provider-sdk';
import { watchAbort } from './abort-watch.js';
import { OpenedParts, toMailOptions } from './mime-message.js';
import type { RelayTransporter } from './relay-transporter.js';
import { toRecipientOutcomes, type RcptRecord } from './send-outcomes.js';
import { asSmtpClientError, type SmtpClientError } from './smtp-error.js';

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

export interface RelayAttempt {
  readonly outcomes: RecipientOutcome[];
  /** The error that ended the transaction, when there was one. */
  readonly error?: SmtpClientError;
}

/**
 * Sends one message through the relay to the recipients the kernel assigned and returns their
 * outcomes in order. Addresses are checked before they reach the wire; an abort releases the
 * content streams (the server never sees the final ".") and defers everyone.
 */
export async function sendThroughRelay(
  transporter: RelayTransporter,
  message: OutboundMessage,
  recipients: readonly AssignedRecipient[],
  signal: AbortSignal,
  senderDomain?: string,
): Promise<RelayAttempt> {
  const early = recipients.map((r): RecipientOutcome | undefined => {
    if (r.recipient.type !== 'smtp') return outcome.notMe();
    const problem = checkSmtpAddress(r.recipient.address);
    return problem === undefined ? undefined : outcome.failed('5.1.3', problem);
  });
  const addresses = [...new Set(recipients.filter((_, i) => early[i] === undefined).map((r) => r.recipient.address))];
  const finish = (byAddress: Map<string, RecipientOutcome>): RecipientOutcome[] =>
    recipients.map((r, i) => early[i] ?? byAddress.get(r.recipient.address) ?? outcome.deferred({ code: '4.3.0', diagnostic: 'no result recorded' }));
  if (addresses.length === 0) return { outcomes: finish(new Map()) };
  const aborted = (): RelayAttempt => ({
    outcomes: finish(new Map(addresses.map((a) => [a, outcome.deferred({ code: '4.3.2', diagnostic: 'send aborted by the kernel' })]))),
  });
  if (signal.aborted) return aborted();

  const parts = new OpenedParts();
  let record: RcptRecord | undefined;
  try {
    const { options } = toMailOptions(message, addresses, parts, senderDomain);
    const sending = transporter.sendMail({ ...options, [RCPT_PROBE]: (r: RcptRecord) => (record = r) } as Mail.Options);
    const result = await raceAbort(sending, signal, parts);
    if (result === 'aborted') return aborted();
    return { outcomes: finish(toRecipientOutcomes(addresses, { record: result, response: result.response })) };
  } catch (caught) {
    const error = asSmtpClientError(caught);
    return { outcomes: finish(toRecipientOutcomes(addresses, { ...(record ? { record } : {}), error })), error };
  } finally {
    parts.destroyAll();
  }
}

async function raceAbort<T>(sending: Promise<T>, signal: AbortSignal, parts: OpenedParts): Promise<T | 'aborted'> {
  let unwatch: (() => void) | undefined;
  const abort = new Promise<'aborted'>((resolve) => {
    unwatch = watchAbort(signal, () => {
      // Failing the content makes nodemailer drop the connection before the final ".".
      parts.destroyAll(new Error('send aborted'));
      resolve('aborted');
    });
  });
  try {
    return await Promise.race([sending, abort]);
  } finally {
    unwatch?.();
    sending.catch(() => undefined);
  }
}
