import { Command, CommanderError } from 'commander';
import { XportError } from '@xport/provider-sdk';
import type { CliIO } from './output.js';
import { toExitCode } from './exit-codes.js';
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

/** A command's result: the process exit code. */
export type ExitCode = number;

export function createProgram(io: CliIO, setExit: (code: ExitCode) => void): Command {
  const program = new Command('xport')
    .description('xport: message transport through pluggable providers')
    .option('--root <dir>', 'application root (where xport.config.json is)', '.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
  const context = { io, setExit, globals: () => program.opts<{ root: string }>() };
  for (const register of [registerProviders, registerDoctor, registerStart, registerStatus, registerSend, registerQueue, registerMessage, registerEvents, registerInbox, registerSuppression, registerFlush, registerAbort, registerRevalidate, registerNew]) {
    register(program, context);
  }
  return program;
}

export interface CommandContext {
  readonly io: CliIO;
  setExit(code: ExitCode): void;
  globals(): { root: string };
}

/**
 * Runs the CLI with `argv` (without node and script) and resolves with the exit code (see
 * `toExitCode`). Errors are printed with their code, never with a stack, never with a secret.
 *
 * @example
 * process.exitCode = await runCli(['providers', '--json'], processIO());
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  let exit: ExitCode = 0;
  const program = createProgram(io, (code) => {
    exit = Math.max(exit, code);
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exit;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (XportError.is(error)) io.stderr(`xport: ${error.code}: ${error.message}\n`);
    else io.stderr(`xport: ${error instanceof Error ? error.message : String(error)}\n`);
    return toExitCode(error);
  }
}
