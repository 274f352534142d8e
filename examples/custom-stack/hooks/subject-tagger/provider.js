// An outbound hook, as plain JavaScript: found through `discovery.paths` in xport.config.json,
// not installed from a registry. It runs at submit, before anything is queued.
import { defineHookProvider } from '@xport/provider-sdk';

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
        const subject = message.subject ?? '';
        return {
          action: 'rewrite',
          subject: subject.startsWith(config.tag) ? subject : `${config.tag} ${subject}`.trim(),
          // Merged into the message's headers: the ones not named here are kept.
          headers: { 'X-Custom-Stack': 'tagged' },
        };
      },
    };
  },
});
