// @xport/cli — the xport command line, also usable in-process (tests, embedding).

// Running the CLI
export { runCli } from './run-cli.js';
export { createProgram } from './program.js';
export type { ExitCode, CommandContext } from './program-root.js';
export { processIO } from './output.js';
export type { CliIO } from './output.js';
export { EXIT_CODES, toExitCode } from './exit-codes.js';

// The daemon's published status
export { readDaemonRecord, DAEMON_FILE } from './daemon-file.js';
export type { DaemonRecord } from './daemon-file.js';
