import type { Command } from 'commander';
import { appRoot, openKernel } from '../app.js';
import type { CommandContext } from '../program.js';
import { withStore } from './with-store.js';

/** `xport abort <id>`: cancels a queued message (refused while one of its recipients is being sent). */
export function registerAbort(program: Command, context: CommandContext): void {
  program
    .command('abort')
    .description('cancel a queued message that is not being sent right now')
    .argument('<id>', 'message id (from xport send or xport queue)')
    .action(async (id: string) => {
      const { io } = context;
      const kernel = openKernel(appRoot(io, context.globals()), io);
      await withStore(kernel, (store) => store.abort(id, Date.now()));
      io.stdout(`aborted ${id}\n`);
    });
}
