import { createHash, timingSafeEqual } from 'node:crypto';
import { checkSmtpAddress, type Secret } from '@xport/provider-sdk';
import type { ResolvedListenConfig } from './config.js';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** An SMTP reply for smtp-server: `code` is the reply code, the message starts with the enhanced status. */
export function smtpReply(code: number, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(text), { responseCode: code });
}

/** Rejects MAIL FROM / RCPT TO parameters that carry control characters (header and log injection). */
export function checkEnvelopeArgs(args: Readonly<Record<string, string | true>> | false): Error | undefined {
  if (!args) return undefined;
  for (const [key, value] of Object.entries(args)) {
    if (CONTROL.test(key) || (typeof value === 'string' && CONTROL.test(value))) {
      return smtpReply(501, `5.5.4 Control character in parameter ${key.replace(CONTROL, '?')}`);
    }
  }
  return undefined;
}

/** `local+detail@domain` → `local@domain` (an RFC 5233 sub-address); any other address as it is. */
function withoutDetail(lower: string): string {
  const at = lower.lastIndexOf('@');
  const plus = lower.indexOf('+');
  return plus > 0 && plus < at ? lower.slice(0, plus) + lower.slice(at) : lower;
}

/**
 * Why RCPT TO `address` is refused by this listener, or undefined when it serves that mailbox: an
 * address of a listed domain, a listed address, or a sub-address of one (`bounces+<token>@…` for a
 * listed `bounces@…`: the VERP return paths of `reports.verp`).
 */
export function refuseRecipient(address: string, listen: ResolvedListenConfig): Error | undefined {
  if (checkSmtpAddress(address) !== undefined) return smtpReply(553, '5.1.3 Bad destination mailbox address syntax');
  const lower = address.toLowerCase();
  const domain = lower.slice(lower.lastIndexOf('@') + 1);
  if (listen.addresses.includes(lower) || listen.domains.includes(domain) || listen.addresses.includes(withoutDetail(lower))) return undefined;
  return smtpReply(550, '5.7.1 Relaying denied');
}

/**
 * Why one more RCPT TO is refused in a transaction that already holds `accepted`, or undefined.
 * `452 4.5.3` tells the client to send the rest in another transaction (RFC 5321 §4.5.3.1.10); a
 * repeated address does not add a recipient, so it is never refused for the count.
 */
export function refuseExtraRecipient(address: string, accepted: ReadonlyArray<{ readonly address: string }>, maxRecipients: number): Error | undefined {
  if (accepted.length < maxRecipients) return undefined;
  const lower = address.toLowerCase();
  if (accepted.some((r) => r.address.toLowerCase() === lower)) return undefined;
  return smtpReply(452, '4.5.3 Too many recipients');
}

/** A user name a client sent, fit for a log line: no control characters, at most 64 characters. */
export function toLoggedUserName(username: string | undefined): string {
  const clean = (username ?? '').replace(new RegExp(CONTROL.source, 'g'), '?');
  return clean.length > 64 ? `${clean.slice(0, 63)}…` : clean;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Constant-time comparison of what a client sent at AUTH with the provider's credentials. */
export function credentialsMatch(username: string, password: string, expected: { username: Secret; password: Secret }): boolean {
  const userOk = timingSafeEqual(digest(username), digest(expected.username.reveal()));
  const passOk = timingSafeEqual(digest(password), digest(expected.password.reveal()));
  return userOk && passOk;
}
