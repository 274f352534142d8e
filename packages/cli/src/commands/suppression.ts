import type { Command } from 'commander';
import { parseRecipient, suppressionKey, suppressionListOf, toSuppressionStatus, type SuppressionStatus } from '@xport/provider-sdk';
import type { Kernel } from '@xport/core';
import { appRoot, openKernel } from '../app.js';
import { formatTime, printJson, renderTable } from '../output.js';
import type { CommandContext } from '../program.js';
import { withStore } from './with-store.js';

function statusOf(status: SuppressionStatus): string {
  if (!status.suppressed) return 'expired';
  return status.manual ? 'added by hand' : `until ${formatTime(status.expiresAt)}`;
}

/** Runs `work` on the store's suppression list (`XPORT_SUPPRESSION_UNSUPPORTED` when it keeps none). */
function withSuppression<T>(kernel: Kernel, work: (list: ReturnType<typeof suppressionListOf>) => Promise<T>): Promise<T> {
  return withStore(kernel, (store) => work(suppressionListOf(store)));
}

/**
 * `xport suppression list [--json] | add <address> [--reason] | remove <address>`: the addresses
 * not sent to (docs/reports.md#suppression-list). Reads and writes the store, so it works beside a daemon.
 */
export function registerSuppression(program: Command, context: CommandContext): void {
  const suppression = program.command('suppression').description('list, add and remove suppressed addresses (hard-bounced, or added by hand)');
  const open = (): Kernel => openKernel(appRoot(context.io, context.globals()), context.io);

  suppression
    .command('list')
    .description('show the suppression list, most recently updated first')
    .option('--json', 'print JSON')
    .option('--limit <n>', 'most entries to show', '100')
    .action(async (options: { json?: boolean; limit: string }) => {
      const { io } = context;
      const kernel = open();
      const policy = kernel.config.reports.suppression;
      await withSuppression(kernel, async (list) => {
        const now = Date.now();
        const entries = (await list.listSuppressed({ limit: Number(options.limit) })).map((e) => toSuppressionStatus(e, policy, now));
        if (options.json) return printJson(io, entries);
        if (entries.length === 0) return io.stdout('suppression list is empty\n');
        const rows = entries.map((e) => [
          e.address,
          statusOf(e),
          e.hardBounces,
          formatTime(e.lastBounceAt),
          e.lastError ? `${e.lastError.code} ${e.lastError.diagnostic}` : '',
          e.reason ?? '',
        ]);
        io.stdout(renderTable(['address', 'suppressed', 'hard bounces', 'last bounce', 'last error', 'reason'], rows));
      });
    });

  suppression
    .command('add')
    .description('suppress an address until it is removed')
    .argument('<address>', 'the address (smtp:ada@example.org, ada@example.org, loopback:alice)')
    .option('--reason <text>', 'why (shown in the list and in the diagnostic of failed recipients)')
    .action(async (address: string, options: { reason?: string }) => {
      const key = suppressionKey(parseRecipient(address));
      await withSuppression(open(), (list) => list.suppress({ address: key, at: Date.now(), ...(options.reason !== undefined ? { reason: options.reason } : {}) }));
      context.io.stdout(`suppressed ${key}\n`);
    });

  suppression
    .command('remove')
    .description('remove an address from the suppression list (its hard-bounce count too)')
    .argument('<address>', 'the address as listed, or in any form xport send accepts')
    .action(async (address: string) => {
      const key = suppressionKey(parseRecipient(address));
      const removed = await withSuppression(open(), (list) => list.unsuppress(key));
      context.io.stdout(removed ? `removed ${key}\n` : `${key} was not on the suppression list\n`);
    });
}
