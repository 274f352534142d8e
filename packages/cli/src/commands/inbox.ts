import type { Command } from 'commander';
import { formatRecipient, parseRecipient, toMailboxKey } from '@xport/provider-sdk';
import { appRoot, openKernel } from '../app.js';
import { formatTime, printJson, renderTable } from '../output.js';
import type { CommandContext } from '../program.js';
import { withStore } from './with-store.js';

async function readPart(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

/** `xport inbox <mailbox> [--json]`: received messages for one address, newest first. */
export function registerInbox(program: Command, context: CommandContext): void {
  program
    .command('inbox')
    .description('list received messages of a mailbox (an address such as loopback:alice or ada@example.org)')
    .argument('<mailbox>', 'the address whose inbox to show')
    .option('--json', 'print JSON (with text bodies)')
    .option('--unread', 'only unread messages')
    .option('--limit <n>', 'most messages to show', '50')
    .action(async (mailbox: string, options: { json?: boolean; unread?: boolean; limit: string }) => {
      const { io } = context;
      const key = toMailboxKey(parseRecipient(mailbox));
      const kernel = openKernel(appRoot(io, context.globals()), io);
      await withStore(kernel, async (store) => {
        const entries = await store.listInbox(key, { limit: Number(options.limit), unreadOnly: options.unread ?? false });
        if (options.json) {
          const withText = [];
          for (const entry of entries) {
            const textPart = entry.parts.find((p) => p.kind === 'text');
            withText.push({ ...entry, text: textPart ? await readPart(store.openPart(textPart.partId)) : undefined });
          }
          return printJson(io, withText);
        }
        if (entries.length === 0) return io.stdout(`inbox ${key} is empty\n`);
        const rows = entries.map((e) => [
          e.id,
          formatTime(e.receivedAt),
          e.envelope.from ? formatRecipient(e.envelope.from) : '-',
          e.envelope.subject ?? '',
          e.envelope.kind,
          e.read ? 'read' : 'unread',
        ]);
        io.stdout(renderTable(['id', 'received', 'from', 'subject', 'kind', 'state'], rows));
      });
    });
}
