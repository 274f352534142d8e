import type { Command } from 'commander';
import type { CliIO } from './output.js';
import { createRootProgram, type ExitCode, type RegisterCommand } from './program-root.js';
import { registerProviders } from './commands/providers.js';
import { registerDoctor } from './commands/doctor.js';
import { registerQueue } from './commands/queue.js';
import { registerInbox } from './commands/inbox.js';
import { registerSuppression } from './commands/suppression.js';
import { registerSend } from './commands/send.js';
import { registerStart } from './commands/start.js';
import { registerStatus } from './commands/status.js';
import { registerFlush } from './commands/flush.js';
import { registerAbort } from './commands/abort.js';
import { registerMessage } from './commands/message.js';
import { registerEvents } from './commands/events.js';
import { registerNew } from './commands/new-command.js';
import { registerRevalidate } from './commands/revalidate.js';

export type { ExitCode, CommandContext } from './program-root.js';

/** Every command, in the order `xport --help` lists them. */
const COMMANDS: readonly RegisterCommand[] = [
  registerProviders,
  registerDoctor,
  registerStart,
  registerStatus,
  registerSend,
  registerQueue,
  registerMessage,
  registerEvents,
  registerInbox,
  registerSuppression,
  registerFlush,
  registerAbort,
  registerRevalidate,
  registerNew,
];

/**
 * The whole program, every command registered (loads every command's modules: `runCli` loads only
 * the one it runs).
 */
export function createProgram(io: CliIO, setExit: (code: ExitCode) => void): Command {
  const { program, context } = createRootProgram(io, setExit);
  for (const register of COMMANDS) register(program, context);
  return program;
}
