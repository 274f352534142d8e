import { toTypeName } from './package-shared.js';
import { stampHeader, type HookTemplateInput } from './hook-package.js';

/** `src/hook.ts`: a working hook that judges both directions. */
export function hookSourceTemplate(input: HookTemplateInput): string {
  const type = `${toTypeName(input.id)}Config`;
  return `import { defineHookProvider, fitsHeaderLimits, type InboundVerdict, type OutboundVerdict } from '@xport/provider-sdk';

export interface ${type} {
  /** Words (any case) that refuse a message when its subject holds one. */
  readonly blockedWords: readonly string[];
}

/** Stamped on every message this hook let through, so it judges each one once. */
export const STAMP = ${JSON.stringify(stampHeader(input.id))};

function hasHeader(headers: Readonly<Record<string, string>> | undefined, name: string): boolean {
  // Header names are case-insensitive.
  return Object.keys(headers ?? {}).some((header) => header.toLowerCase() === name.toLowerCase());
}

export default defineHookProvider<${type}>({
  create({ info, config, logger }) {
    const blocked = config.blockedWords.map((word) => word.toLowerCase());
    const blockedWordIn = (subject: string | undefined): string | undefined => blocked.find((word) => subject?.toLowerCase().includes(word));

    return {
      // At submit, before the message is routed or queued.
      outbound(message): OutboundVerdict {
        const word = blockedWordIn(message.subject);
        if (word !== undefined) return { action: 'reject', reason: \`subject holds the blocked word "\${word}"\` };
        if (hasHeader(message.headers, STAMP)) return { action: 'pass' };
        // Merged into the message's headers. A rewrite must leave a message submit accepts: a
        // stamp that would not fit (128 headers, 64 KiB of them) is left off.
        const headers = { [STAMP]: 'checked' };
        return fitsHeaderLimits({ ...message.headers, ...headers }) ? { action: 'rewrite', headers } : { action: 'pass' };
      },

      // For each received message, before anything is written to an inbox.
      inbound(message): InboundVerdict {
        const word = blockedWordIn(message.subject);
        if (word !== undefined) {
          logger.info('refused a received message', { hook: info.id, word });
          return { action: 'reject', reason: \`subject holds the blocked word "\${word}"\` };
        }
        if (hasHeader(message.headers, STAMP)) return { action: 'pass' };
        // Inbound, a rewrite replaces the whole message: copy it and change what you change.
        return { action: 'rewrite', message: { ...message, headers: { ...message.headers, [STAMP]: 'checked' } } };
      },
    };
  },
});
`;
}

/** \`test/conformance.test.ts\`: the xport hook conformance suite, passing out of the box. */
export function hookConformanceTestTemplate(input: HookTemplateInput): string {
  const stamp = JSON.stringify(stampHeader(input.id));
  return `import { fileURLToPath } from 'node:url';
import { describeHookConformance } from '@xport/provider-sdk/testing';

// Runs against the built dist/ (npm run build first): a real xport kernel loads this package
// through its manifest. Each sample is a message and the verdict the hook should give it.
describeHookConformance(${JSON.stringify(input.packageName)}, {
  packageDir: fileURLToPath(new URL('..', import.meta.url)),
  config: { blockedWords: ['[blocked]'] },
  outbound: [
    { name: 'ordinary mail is stamped', message: { from: 'loopback:ada', to: ['loopback:bob', 'Carol <carol@example.org>'], subject: 'minutes', text: 'hi' }, verdict: 'rewrite' },
    { name: 'stamped mail passes', message: { to: ['loopback:bob'], subject: 'minutes', headers: { ${stamp}: 'checked' }, text: 'hi' }, verdict: 'pass' },
    { name: 'a blocked word is refused', message: { to: ['loopback:bob'], subject: '[BLOCKED] offer', text: 'hi' }, verdict: 'reject' },
  ],
  inbound: [
    { name: 'received mail is stamped', message: { recipients: [{ type: 'loopback', address: 'ada' }], subject: 'hello', text: 'hi' }, verdict: 'rewrite' },
    { name: 'stamped mail passes', message: { recipients: [{ type: 'loopback', address: 'ada' }], subject: 'hello', headers: { ${stamp}: 'checked' }, text: 'hi' }, verdict: 'pass' },
    { name: 'a blocked word is refused', message: { recipients: [{ type: 'loopback', address: 'ada' }], subject: 'a [blocked] offer', text: 'hi' }, verdict: 'reject' },
  ],
});
`;
}
