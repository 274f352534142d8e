import type { Command } from 'commander';
import type { CommandContext } from '../program.js';
import { registerNewHook } from './new-hook.js';
import { registerNewProvider } from './new-provider.js';
import { registerNewStore } from './new-store.js';

/** `xport new <kind> <name>`: one subcommand per kind of package the CLI scaffolds. */
export function registerNew(program: Command, context: CommandContext): void {
  const command = program.command('new').description('scaffold a new package (outside any git repository unless --in-repo)');
  registerNewProvider(command, context);
  registerNewHook(command, context);
  registerNewStore(command, context);
}
