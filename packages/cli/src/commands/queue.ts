import type { Command } from 'commander';
import { formatRecipient } from '@xport/provider-sdk';
import { appRoot, openKernel } from '../app.js';
import { formatTime, printJson, renderTable } from '../output.js';
import type { CommandContext } from '../program.js';
import { withStore } from './with-store.js';

/** `xport queue [--json]`: the outbox, one row per recipient. Reads the store, so it works beside a daemon. */
export function registerQueue(program: Command, context: CommandContext): void {
  program
    .command('queue')
    .description('show the outbox: per-recipient state, attempts, next attempt, last error')
    .option('--json', 'print JSON')
    .option('--limit <n>', 'most messages to show', '100')
    .action(async (options: { json?: boolean; limit: string }) => {
      const { io } = context;
      const kernel = openKernel(appRoot(io, context.globals()), io);
      await withStore(kernel, async (store) => {
        const messages = await store.listQueue({ limit: Number(options.limit) });
        if (options.json) return printJson(io, messages);
        if (messages.length === 0) return io.stdout('queue is empty\n');
        const rows = messages.flatMap((m) =>
          m.recipients.map((r) => [
            m.id,
            m.envelope.subject ?? '',
            formatRecipient(r.recipient),
            r.provider ?? '-',
            r.state,
            r.attempts,
            formatTime(r.nextAttemptAt),
            r.lastError ? `${r.lastError.code} ${r.lastError.diagnostic}` : '',
          ]),
        );
        io.stdout(renderTable(['message', 'subject', 'recipient', 'provider', 'state', 'attempts', 'next attempt', 'last error'], rows));
      });
    });
}
