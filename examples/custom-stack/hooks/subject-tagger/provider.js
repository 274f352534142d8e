// An outbound hook, as plain JavaScript: found through `discovery.paths` in xport.config.json,
// not installed from a registry. It runs at submit, before anything is queued.
import { defineHookProvider, fitsHeaderLimits, MAX_HEADER_VALUE_CHARS } from '@xport/provider-sdk';

function domainOf(recipient) {
  return recipient.type === 'smtp' ? recipient.address.slice(recipient.address.lastIndexOf('@') + 1).toLowerCase() : undefined;
}

export default defineHookProvider({
  create({ config }) {
    const blocked = new Set(config.blockedDomains.map((d) => d.toLowerCase()));
    return {
      outbound(message) {
        const refused = message.recipients.find(({ recipient }) => blocked.has(domainOf(recipient)));
        if (refused) {
          return { action: 'reject', reason: `recipient ${refused.recipient.address}: domain ${domainOf(refused.recipient)} is blocked by policy` };
        }
        // A rewrite must leave a message submit accepts: a tag that does not fit is left off.
        const subject = message.subject ?? '';
        const tagged = subject.startsWith(config.tag) ? subject : `${config.tag} ${subject}`.trim();
        const headers = { 'X-Custom-Stack': 'tagged' };
        const rewrite = { action: 'rewrite' };
        if (tagged !== subject && tagged.length <= MAX_HEADER_VALUE_CHARS) rewrite.subject = tagged;
        // Merged into the message's headers: the ones not named here are kept.
        if (fitsHeaderLimits({ ...message.headers, ...headers })) rewrite.headers = headers;
        return rewrite.subject === undefined && rewrite.headers === undefined ? { action: 'pass' } : rewrite;
      },
    };
  },
});
