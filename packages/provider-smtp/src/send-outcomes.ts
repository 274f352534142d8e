import { outcome, type RecipientOutcome } from '@xport/provider-sdk';
import { classifySmtpReply, toDiagnostic, type SmtpCommand } from './smtp-reply.js';
import type { SmtpClientError } from './smtp-error.js';

/** What the SMTP client recorded about RCPT TO while the transaction ran. */
export interface RcptRecord {
  readonly accepted?: readonly string[];
  readonly rejected?: readonly string[];
  readonly rejectedErrors?: readonly SmtpClientError[];
}

function toCommand(command: string | undefined): SmtpCommand {
  const verb = (command ?? '').toUpperCase();
  if (verb.startsWith('RCPT')) return 'RCPT';
  if (verb.startsWith('MAIL')) return 'MAIL';
  if (verb.startsWith('DATA')) return 'DATA';
  return 'OTHER';
}

/** The outcome a whole-transaction error gives every recipient it applies to. */
export function classifyTransactionError(error: SmtpClientError): RecipientOutcome {
  if (error.responseCode !== undefined) return classifySmtpReply(error.responseCode, error.response ?? error.message, toCommand(error.command));
  if (error.code === 'EMESSAGE' && /size larger than allowed/i.test(error.message)) {
    return outcome.failed('5.3.4', toDiagnostic(`message too big for the relay: ${error.message}`));
  }
  // No reply at all (connection dropped, timeout, even after the final "."): try again later.
  // Delivery is at-least-once, so a message the server did keep may be sent twice.
  return outcome.deferred({ code: '4.4.2', diagnostic: toDiagnostic(`no reply from relay: ${error.message}`) });
}

function rcptOutcomes(record: RcptRecord): Map<string, RecipientOutcome> {
  const byAddress = new Map<string, RecipientOutcome>();
  for (const rejected of record.rejectedErrors ?? []) {
    if (rejected.recipient === undefined) continue;
    byAddress.set(rejected.recipient, rejected.responseCode === undefined ? classifyTransactionError(rejected) : classifySmtpReply(rejected.responseCode, rejected.response ?? '', 'RCPT'));
  }
  return byAddress;
}

/**
 * One outcome per envelope address: a RCPT TO rejection is that recipient's own outcome; the
 * final reply (or the error that ended the transaction) applies to every accepted recipient.
 */
export function toRecipientOutcomes(
  addresses: readonly string[],
  result: { readonly record?: RcptRecord; readonly response?: string; readonly error?: SmtpClientError },
): Map<string, RecipientOutcome> {
  const record: RcptRecord = result.error?.rejectedErrors ? result.error : (result.record ?? {});
  const byAddress = rcptOutcomes(record);
  const forAccepted = result.error ? classifyTransactionError(result.error) : outcome.delivered(toDiagnostic(result.response ?? '250'));
  for (const address of addresses) if (!byAddress.has(address)) byAddress.set(address, forAccepted);
  return byAddress;
}
