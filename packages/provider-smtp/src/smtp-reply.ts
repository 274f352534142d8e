import { outcome, type RecipientOutcome } from '@xport/provider-sdk';

/** The SMTP command a reply answered, when it changes how the reply reads. */
export type SmtpCommand = 'MAIL' | 'RCPT' | 'DATA' | 'OTHER';

const ENHANCED = /(?:^|[\s-])([245])\.(\d{1,3})\.(\d{1,3})(?=\s|$)/;
const MAX_DIAGNOSTIC = 512;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]+/g;

/**
 * The RFC 3463 enhanced status code in a reply text (`5.1.1`), when its class agrees with the
 * basic reply code; a code of another class is ignored as the server's mistake.
 *
 * @example
 * parseEnhancedStatus(550, '550 5.1.1 <bob@example.org>: user unknown') // '5.1.1'
 */
export function parseEnhancedStatus(code: number, text: string): string | undefined {
  const match = ENHANCED.exec(text);
  if (!match) return undefined;
  return match[1] === String(Math.floor(code / 100)) ? `${match[1]}.${match[2]}.${match[3]}` : undefined;
}

/** A reply text made safe to store and show: one line, no control characters, bounded. */
export function toDiagnostic(text: string): string {
  const line = text.replace(CONTROL, ' ').trim();
  return line.length > MAX_DIAGNOSTIC ? `${line.slice(0, MAX_DIAGNOSTIC - 1)}…` : line;
}

/**
 * Turns one SMTP reply into a recipient outcome: 2xx delivered, 4xx deferred, 5xx failed, with
 * the enhanced status code (or `x.0.0`) as the outcome's code and the reply text as diagnostic.
 * A 552 answering RCPT means "too many recipients" and is temporary (RFC 5321 §4.5.3.1.10).
 * Anything else (1xx, 3xx, garbage) is not a final answer: deferred.
 *
 * @example
 * classifySmtpReply(550, '550 5.1.1 user unknown', 'RCPT') // { status: 'failed', code: '5.1.1', diagnostic: '550 5.1.1 user unknown' }
 * classifySmtpReply(451, '451 4.3.0 try later')            // { status: 'deferred', code: '4.3.0', ... }
 */
export function classifySmtpReply(code: number, text: string, command: SmtpCommand = 'OTHER'): RecipientOutcome {
  const diagnostic = toDiagnostic(text === '' ? String(code) : text);
  const enhanced = parseEnhancedStatus(code, text);
  if (code >= 200 && code < 300) return outcome.delivered(diagnostic);
  if (code >= 500 && code < 600) {
    if (command === 'RCPT' && code === 552) return outcome.deferred({ code: '4.5.3', diagnostic });
    return outcome.failed(enhanced ?? '5.0.0', diagnostic);
  }
  if (code >= 400 && code < 500) return outcome.deferred({ code: enhanced ?? '4.0.0', diagnostic });
  return outcome.deferred({ code: '4.5.0', diagnostic: `unexpected SMTP reply: ${diagnostic}` });
}
