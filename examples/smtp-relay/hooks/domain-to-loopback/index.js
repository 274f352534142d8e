// Inbound hook: `ada@example.org` (address type smtp) becomes `loopback:ada`, so the kernel's
// inbound path writes the message into the loopback mailbox — the same inbox the loopback
// transport delivers to. Recipients of other domains and types pass untouched.
import { defineHookProvider } from '@xport/provider-sdk';

export default defineHookProvider({
  create({ config, logger }) {
    const domain = config.domain.toLowerCase();
    const toLoopback = (recipient) => {
      if (recipient.type !== 'smtp') return recipient;
      const at = recipient.address.lastIndexOf('@');
      if (recipient.address.slice(at + 1).toLowerCase() !== domain) return recipient;
      const local = recipient.address.slice(0, at);
      return recipient.name === undefined ? { type: 'loopback', address: local } : { type: 'loopback', address: local, name: recipient.name };
    };
    return {
      inbound(message) {
        const recipients = message.recipients.map(toLoopback);
        if (recipients.every((r, i) => r === message.recipients[i])) return { action: 'pass' };
        logger.info('inbound mail for a local domain goes to loopback mailboxes', { domain, recipients: recipients.length });
        return { action: 'rewrite', message: { ...message, recipients } };
      },
    };
  },
});
