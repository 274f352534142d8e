import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import { checkEnvelopeId, checkSmtpAddress, toDsnNotify, toOriginalRecipient, type DsnInput, type DsnNotify, type InboundMessage } from '@xport/provider-sdk';
import { smtpReply } from './inbound-policy.js';
import type { ReplyingConnection } from './refused-commands.js';

type Args = SMTPServerAddress['args'];
type DsnRecipients = NonNullable<DsnInput['recipients']>;

const text = (args: Args, key: string): string | undefined => (args && typeof args[key] === 'string' ? args[key] : undefined);

/**
 * Why MAIL FROM's DSN parameters are refused, or undefined. smtp-server has decoded their xtext
 * and checked RET; ENVID must be printable ASCII of at most 100 characters (RFC 3461 §4.4).
 */
export function refuseMailDsn(args: Args): Error | undefined {
  const envelopeId = text(args, 'ENVID');
  const problem = envelopeId === undefined ? undefined : checkEnvelopeId(envelopeId);
  return problem === undefined ? undefined : smtpReply(501, `5.5.4 ${problem} (RFC 3461)`);
}

/** Why RCPT TO's DSN parameters are refused, or undefined: NOTIFY keywords given twice, an ORCPT too long or without an address. */
export function refuseRcptDsn(args: Args): Error | undefined {
  const notify = text(args, 'NOTIFY');
  const keywords = notify === undefined ? undefined : toDsnNotify(notify.split(','));
  if (typeof keywords === 'string' && keywords !== 'never') return smtpReply(501, `5.5.4 ${keywords} (RFC 3461)`);
  const orcpt = text(args, 'ORCPT');
  const original = orcpt === undefined ? undefined : toOriginalRecipient(orcpt);
  return typeof original === 'string' ? smtpReply(501, `5.5.4 ${original} (RFC 3461)`) : undefined;
}

/**
 * The DSN parameters of a transaction, for the kernel: RET and ENVID from MAIL FROM, NOTIFY and
 * ORCPT of each RCPT TO that gave them, with the return path (MAIL FROM, unless null) their reports
 * go to; undefined when the client gave none.
 */
export function toInboundDsn(session: SMTPServerSession): Pick<InboundMessage, 'dsn' | 'returnPath'> | undefined {
  const mail = session.envelope.mailFrom ? session.envelope.mailFrom.args : false;
  const recipients: DsnRecipients[number][] = [];
  for (const rcpt of session.envelope.rcptTo) {
    const notify = text(rcpt.args, 'NOTIFY');
    const orcpt = text(rcpt.args, 'ORCPT');
    if (notify === undefined && orcpt === undefined) continue;
    recipients.push({
      recipient: { type: 'smtp', address: rcpt.address },
      // Checked at RCPT TO (refuseRcptDsn), so these are keywords.
      ...(notify === undefined ? {} : { notify: toDsnNotify(notify.split(',')) as DsnNotify }),
      ...(orcpt === undefined ? {} : { originalRecipient: orcpt }),
    });
  }
  const ret = text(mail, 'RET')?.toLowerCase();
  const envelopeId = text(mail, 'ENVID');
  if (ret === undefined && envelopeId === undefined && recipients.length === 0) return undefined;
  const dsn: DsnInput = {
    ...(ret === 'full' || ret === 'hdrs' ? { ret } : {}),
    ...(envelopeId === undefined ? {} : { envelopeId }),
    ...(recipients.length === 0 ? {} : { recipients }),
  };
  const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
  return sender !== '' && checkSmtpAddress(sender) === undefined ? { dsn, returnPath: { type: 'smtp', address: sender } } : { dsn };
}

// smtp-server's own refusals of DSN parameters, and the reply the listener gives instead.
const DSN_REFUSALS: ReadonlyArray<[RegExp, (match: RegExpExecArray) => string]> = [
  [/^Error: NOTIFY parameter must be/, () => '5.5.4 NOTIFY must be NEVER, or one or more of SUCCESS, FAILURE, DELAY (RFC 3461)'],
  [/^Error: NOTIFY=NEVER cannot be combined/, () => '5.5.4 NOTIFY=NEVER cannot be combined with other NOTIFY keywords (RFC 3461)'],
  [/^Error: Bad ORCPT parameter syntax/, () => '5.5.4 ORCPT must be addr-type;address, as in rfc822;bob@example.net (RFC 3461)'],
  [/^Invalid RET parameter value/, () => '5.5.4 RET must be FULL or HDRS (RFC 3461)'],
  [/^Error: duplicate (RET|ENVID|NOTIFY|ORCPT) parameter/, (m) => `5.5.4 ${m[1]} is given twice (RFC 3461)`],
  [/^Error: (RET|ENVID|NOTIFY|ORCPT) parameter requires a value/, (m) => `5.5.4 ${m[1]} needs a value (RFC 3461)`],
];

/**
 * smtp-server checks the syntax of the DSN parameters itself and refuses with `501 Error: …`; the
 * listener does not add enhanced codes of its own (its replies carry theirs in the text), so these
 * refusals are rewritten to `501 5.5.4 …` with a reply that names the rule, like the listener's own.
 */
export function explainDsnRefusals(connection: ReplyingConnection): void {
  const send = connection.send.bind(connection);
  connection.send = (code, data, context) => {
    if (code === 501 && typeof data === 'string') {
      for (const [pattern, reply] of DSN_REFUSALS) {
        const match = pattern.exec(data);
        if (match !== null) return send(code, reply(match), context);
      }
    }
    send(code, data, context);
  };
}
