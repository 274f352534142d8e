import { Command } from 'commander';
import type { CliIO } from './output.js';

/** A command's result: the process exit code. */
export type ExitCode = number;

/** What every command's registration is given: where to print, how to raise the exit code, the global options. */
export interface CommandContext {
  readonly io: CliIO;
  setExit(code: ExitCode): void;
  globals(): { root: string };
}

/** Adds one top-level command (and its subcommands) to the program. */
export type RegisterCommand = (program: Command, context: CommandContext) => void;

/** The `xport` program without its commands: name, description, global options, output. */
export function createRootProgram(io: CliIO, setExit: (code: ExitCode) => void): { program: Command; context: CommandContext } {
  const program = new Command('xport')
    .description('xport: message transport through pluggable providers')
    .option('--root <dir>', 'application root (where xport.config.json is)', '.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
  const context: CommandContext = { io, setExit, globals: () => program.opts<{ root: string }>() };
  return { program, context };
}
