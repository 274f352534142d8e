import type { Command } from 'commander';
import { makeDueInBatches, XportError } from '@xport/provider-sdk';
import { appRoot, openKernel } from '../app.js';
import type { CommandContext } from '../program.js';
import { withStore } from './with-store.js';

/**
 * `xport flush [provider]`: makes deferred recipients due now (MAPI FlushQueues): the queue's
 * `retry` of one transport's recipients, or every transport's. It writes to the shared store, so a
 * running daemon sees the work and sends it without waiting for its backoff.
 */
export function registerFlush(program: Command, context: CommandContext): void {
  program
    .command('flush')
    .description('send deferred work now (of one transport, or all)')
    .argument('[provider]', 'transport provider id')
    .action(async (provider: string | undefined) => {
      const { io } = context;
      const kernel = openKernel(appRoot(io, context.globals()), io);
      const report = await kernel.discover();
      const transports = report.providers.filter((p) => p.kind === 'transport' && p.status === 'ok').map((p) => p.id);
      if (provider !== undefined && !transports.includes(provider)) {
        throw new XportError('XPORT_PROVIDER_NOT_FOUND', `flush: no valid transport "${provider}" (transports: ${transports.join(', ') || 'none'})`);
      }
      const providers = provider ? [provider] : transports;
      const made = await withStore(kernel, async (store) => {
        if (providers.length === 0) return 0;
        // A store without queue operations still makes work due the store-and-forward way.
        if (store.operations === undefined) return makeDueInBatches(store, providers, Date.now());
        return (await kernel.operateQueue({ operation: 'retry', filter: { providers } })).changed;
      });
      io.stdout(`${made} recipient(s) made due now${provider ? ` for ${provider}` : ''}\n`);
    });
}
