import type { ExpectedVerdict } from './hook-options.js';

const OUTBOUND_REWRITE_FIELDS: ReadonlySet<string> = new Set(['action', 'recipients', 'subject', 'headers']);
const ROLES: ReadonlySet<unknown> = new Set(['to', 'cc', 'bcc']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function commonProblems(verdict: unknown): { action?: ExpectedVerdict; problems: string[] } {
  if (!isObject(verdict)) return { problems: [`the verdict is ${verdict === null ? 'null' : typeof verdict}, expected an object with an action`] };
  const action = verdict.action;
  if (action !== 'pass' && action !== 'reject' && action !== 'rewrite') return { problems: [`action ${JSON.stringify(action)} is none of pass, reject, rewrite`] };
  if (action === 'reject' && (typeof verdict.reason !== 'string' || verdict.reason.trim() === '')) {
    return { action, problems: ['a reject carries a reason a person can act on (a non-empty string)'] };
  }
  return { action, problems: [] };
}

/**
 * What is wrong with an outbound verdict's shape (empty when nothing): an action of the three, a
 * reject with a reason, a rewrite with only `recipients`, `subject` and `headers`, at least one of
 * them, each of the right type. Whether the result is a message submit accepts is the kernel's to
 * say; the conformance suite submits it.
 */
export function outboundVerdictProblems(verdict: unknown): string[] {
  const { action, problems } = commonProblems(verdict);
  if (action !== 'rewrite') return problems;
  const rewrite = verdict as Record<string, unknown>;
  const unknown = Object.keys(rewrite).filter((k) => !OUTBOUND_REWRITE_FIELDS.has(k));
  if (unknown.length > 0) problems.push(`a rewrite has unknown field(s) ${unknown.join(', ')} (known: recipients, subject, headers)`);
  if (rewrite.recipients === undefined && rewrite.subject === undefined && rewrite.headers === undefined) problems.push('a rewrite changes nothing (no recipients, subject or headers): answer pass');
  if (rewrite.subject !== undefined && rewrite.subject !== null && typeof rewrite.subject !== 'string') problems.push('subject is a string (replace) or null (remove)');
  if (rewrite.headers !== undefined) {
    if (!isObject(rewrite.headers)) problems.push('headers is an object of header names to a string (set) or null (remove)');
    else {
      const bad = Object.entries(rewrite.headers).filter(([, v]) => v !== null && typeof v !== 'string');
      if (bad.length > 0) problems.push(`header(s) ${bad.map(([k]) => JSON.stringify(k)).join(', ')} are neither a string nor null`);
    }
  }
  if (rewrite.recipients !== undefined) {
    if (!Array.isArray(rewrite.recipients) || rewrite.recipients.length === 0) problems.push('recipients is a non-empty array (it replaces the whole list)');
    else {
      const bad = rewrite.recipients.findIndex((r: unknown) => !isObject(r) || !isObject(r.recipient) || typeof r.recipient.type !== 'string' || typeof r.recipient.address !== 'string' || !ROLES.has(r.role));
      if (bad >= 0) problems.push(`recipients[${bad}] is not { recipient: { type, address, name? }, role: 'to' | 'cc' | 'bcc' }`);
    }
  }
  return problems;
}

/** What is wrong with an inbound verdict's shape: a rewrite carries the whole `message`, with recipients. */
export function inboundVerdictProblems(verdict: unknown): string[] {
  const { action, problems } = commonProblems(verdict);
  if (action !== 'rewrite') return problems;
  const rewrite = verdict as Record<string, unknown>;
  const unknown = Object.keys(rewrite).filter((k) => k !== 'action' && k !== 'message');
  if (unknown.length > 0) problems.push(`an inbound rewrite has unknown field(s) ${unknown.join(', ')}: it carries the whole message as "message"`);
  if (!isObject(rewrite.message)) problems.push('an inbound rewrite carries the whole message as "message" (return { ...message, subject: … } to change one field)');
  else if (!Array.isArray(rewrite.message.recipients) || rewrite.message.recipients.length === 0) problems.push('the rewritten message has no recipients');
  return problems;
}
