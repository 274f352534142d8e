import { toTypeName } from './package-shared.js';
import type { ProviderTemplateInput } from './provider-package.js';

/** `src/provider.ts`: a working transport that writes each message to a folder per mailbox. */
export function providerSourceTemplate(input: ProviderTemplateInput): string {
  return `import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { defineTransportProvider, outcome, XportError, type OutboundMessage, type RecipientOutcome } from '@xport/provider-sdk';

export interface ${toTypeName(input.id)}Config {
  /** Where messages are written; relative to the application root. */
  readonly directory: string;
}

async function readText(message: OutboundMessage, partId: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of message.openPart(partId)) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

/** A mailbox name that cannot leave the directory: no separators, no leading dot. */
function isSafeMailbox(address: string): boolean {
  return !/[\\\\/]/.test(address) && !address.startsWith('.');
}

export default defineTransportProvider<${toTypeName(input.id)}Config>({
  create({ info, config, logger }) {
    const root = resolve(info.appRoot, config.directory);
    return {
      async logon() {
        // Nothing to authenticate; make sure the directory can be written, else wait and retry.
        try {
          await mkdir(root, { recursive: true });
        } catch (cause) {
          throw new XportError('XPORT_PROVIDER_UNAVAILABLE', \`\${info.id}: cannot create directory \${root} (\${(cause as NodeJS.ErrnoException).code ?? String(cause)})\`, { cause });
        }
      },
      async send(message, recipients) {
        const text = await Promise.all(message.parts.filter((p) => p.kind === 'text').map((p) => readText(message, p.partId)));
        const body = { id: message.id, from: message.envelope.from, subject: message.envelope.subject, headers: message.envelope.headers, text: text.join('\\n') };
        const outcomes: RecipientOutcome[] = [];
        for (const { recipient } of recipients) {
          if (!isSafeMailbox(recipient.address)) {
            outcomes.push(outcome.failed('5.1.3', \`\${info.id}: mailbox "\${recipient.address}" may not contain / or \\\\ or start with a dot\`));
            continue;
          }
          const folder = join(root, encodeURIComponent(recipient.address));
          try {
            await mkdir(folder, { recursive: true });
            await writeFile(join(folder, \`\${message.id}.json\`), JSON.stringify({ ...body, to: recipient }, null, 2));
            outcomes.push(outcome.delivered(\`\${info.id}: written to \${folder}\`));
          } catch (cause) {
            // A full or read-only disk is temporary from the sender's point of view: try again later.
            outcomes.push(outcome.deferred({ code: '4.3.0', diagnostic: \`\${info.id}: could not write to \${folder} (\${(cause as NodeJS.ErrnoException).code ?? 'error'})\` }));
          }
        }
        logger.debug('messages written', { messageId: message.id, recipients: recipients.length });
        return outcomes;
      },
    };
  },
});
`;
}

/** \`test/conformance.test.ts\`: the xport transport conformance suite, passing out of the box. */
export function conformanceTestTemplate(input: ProviderTemplateInput): string {
  const t = input.addressType;
  return `import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeTransportConformance } from '@xport/provider-sdk/testing';

// Runs against the built dist/ (npm run build first): a real xport kernel loads this package
// through its manifest. The far end is the directory: one file per delivered recipient.
describeTransportConformance(${JSON.stringify(input.packageName)}, async () => {
  const directory = await mkdtemp(join(tmpdir(), ${JSON.stringify(`${input.id}-conformance-`)}));
  // A file where the mailbox "full" would be: writing there fails, so the transport defers it.
  await writeFile(join(directory, 'full'), 'not a mailbox');
  return {
    packageDir: fileURLToPath(new URL('..', import.meta.url)),
    config: { directory },
    deliver: [${JSON.stringify(`${t}:ada`)}, ${JSON.stringify(`Bob <${t}:bob>`)}],
    fail: [${JSON.stringify(`${t}:../escape`)}],
    defer: [${JSON.stringify(`${t}:full`)}],
    async deliveredTo() {
      const arrived: string[] = [];
      for (const mailbox of await readdir(directory, { withFileTypes: true })) {
        if (!mailbox.isDirectory()) continue;
        for (const _file of await readdir(join(directory, mailbox.name))) arrived.push(\`${t}:\${decodeURIComponent(mailbox.name)}\`);
      }
      return arrived;
    },
    close: () => rm(directory, { recursive: true, force: true }),
  };
});
`;
}
