import { CommanderError, type Command } from 'commander';
import { XportError } from '@xport/provider-sdk';
import type { CliIO } from './output.js';
import { toExitCode } from './exit-codes.js';
import { COMMAND_LOADERS, commandNameOf } from './command-loaders.js';
import { createRootProgram, type ExitCode } from './program-root.js';

/** The program `argv` needs: only the command it names, else every command (help, errors, suggestions). */
async function programFor(argv: readonly string[], io: CliIO, setExit: (code: ExitCode) => void): Promise<Command> {
  const name = commandNameOf(argv);
  if (name === undefined) return (await import('./program.js')).createProgram(io, setExit);
  const { program, context } = createRootProgram(io, setExit);
  (await COMMAND_LOADERS[name]!())(program, context);
  return program;
}

/**
 * Runs the CLI with `argv` (without node and script) and resolves with the exit code (see
 * `toExitCode`). Errors are printed with their code, never with a stack, never with a secret.
 * Loads the modules of the command it runs only.
 *
 * @example
 * process.exitCode = await runCli(['providers', '--json'], processIO());
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  let exit: ExitCode = 0;
  const program = await programFor(argv, io, (code) => {
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
