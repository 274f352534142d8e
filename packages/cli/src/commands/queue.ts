import type { Command } from 'commander';
import { formatRecipient, queueOperationsOf, toRecipientFilter, type QueueEntry, type StoredMessage } from '@xport/provider-sdk';
import { appRoot, openKernel } from '../app.js';
import { formatTime, printJson, renderTable } from '../output.js';
import type { CommandContext } from '../program.js';
import { refuseExpireWithoutHold, runQueueOperation, toOperation, type OperationOptions } from './queue-operations.js';
import { addFilterOptions, hasFilter, toFilter } from './queue-filter.js';
import { formatRecipientState } from './recipient-state-text.js';
import { withStore } from './with-store.js';

const HEAD = ['message', 'recipient', 'provider', 'state', 'attempts', 'next attempt', 'last error'];

function toRows(entries: readonly QueueEntry[]): Array<Array<string | number>> {
  return entries.map((e) => [
    e.messageId,
    formatRecipient(e.recipient),
    e.provider ?? '-',
    formatRecipientState(e),
    e.attempts,
    formatTime(e.nextAttemptAt),
    e.lastError ? `${e.lastError.code} ${e.lastError.diagnostic}` : '',
  ]);
}

function toMessageRows(messages: readonly StoredMessage[]): Array<Array<string | number>> {
  return messages.flatMap((m) =>
    m.recipients.map((r) => [m.id, formatRecipient(r.recipient), r.provider ?? '-', formatRecipientState(r), r.attempts, formatTime(r.nextAttemptAt), r.lastError ? `${r.lastError.code} ${r.lastError.diagnostic}` : '']),
  );
}

/**
 * `xport queue [hold|release|retry|delete] [filters] [--json]`: without a verb, the outbox, one row
 * per recipient (with filters, only the recipients they select); with one, that operation on the
 * recipients the filters select (`--all` for every one, `--dry-run` to count first, `--expire` with
 * hold to let the held ones expire). A verb rather
 * than subcommands: the filters are the same options either way. Works beside a daemon.
 */
export function registerQueue(program: Command, context: CommandContext): void {
  addFilterOptions(
    program
      .command('queue')
      .description('show the outbox (per-recipient state, attempts, next attempt, last error), or change it: hold, release, retry, delete')
      .argument('[operation]', 'hold, release, retry or delete the recipients the filters select')
      .option('--json', 'print JSON: the messages; with a filter, the recipients it selects; with an operation, what it changed')
      .option('--limit <n>', 'most messages (with a filter: recipients) to show', '100')
      .option('--all', 'with an operation: every recipient of the queue (required when no filter narrows the selection)')
      .option('--dry-run', 'with an operation: print what would change, change nothing')
      .option('--expire', "with hold: the held recipients still expire when their message's lifetime passes (without it they never expire while held)"),
  ).action(async (verb: string | undefined, options: OperationOptions & { limit: string }) => {
    const { io } = context;
    const kernel = openKernel(appRoot(io, context.globals()), io);
    if (verb !== undefined) return runQueueOperation(io, kernel, toOperation(verb), options);
    if (options.expire !== undefined) refuseExpireWithoutHold();
    await withStore(kernel, async (store) => {
      const limit = Number(options.limit);
      if (!hasFilter(options)) {
        const messages = await store.listQueue({ limit });
        if (options.json) return printJson(io, messages);
        if (messages.length === 0) return io.stdout('queue is empty\n');
        return io.stdout(renderTable(HEAD, toMessageRows(messages)));
      }
      const filter = toRecipientFilter(toFilter(options, Date.now()));
      const page = await queueOperationsOf(store).listRecipients({ filter, limit });
      if (options.json) return printJson(io, page.entries);
      if (page.entries.length === 0) return io.stdout('no recipient of the queue matches\n');
      io.stdout(renderTable(HEAD, toRows(page.entries)));
      if (page.nextCursor !== null) io.stdout(`(first ${limit} shown: raise --limit for more)\n`);
    });
  });
}
