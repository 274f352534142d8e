import Table from 'cli-table3';

/** Where a command writes. Injected so tests run commands in-process and read what they printed. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** True when standard error is a terminal: progress bars are drawn only then. */
  readonly interactive: boolean;
  /**
   * Ends the process now. Only the real process has it: in-process runs (tests, embedding) never
   * exit, so a command that would force an exit (a daemon whose stop overruns) just waits.
   */
  readonly exit?: (code: number) => never;
  /**
   * True once standard output's reader has gone (EPIPE): a command that would print forever
   * (`xport events --follow | head`) stops then. Only the real process has it.
   */
  readonly stdoutClosed?: () => boolean;
}

/**
 * Writes to a standard stream until its reader goes away. `xport status | head -1`: once head has
 * read its line and closed the pipe, the next write fails with EPIPE; that is not the command's
 * failure, so the rest of the output is dropped quietly and the command finishes as it would have.
 * Any other stream error (a terminal gone: EIO) likewise ends the writing, not the process.
 */
function toStreamWriter(stream: NodeJS.WriteStream): { write: (text: string) => void; closed: () => boolean } {
  let readerGone = false;
  stream.on('error', () => {
    readerGone = true;
  });
  return {
    write: (text) => {
      if (readerGone || stream.destroyed) return;
      stream.write(text);
    },
    closed: () => readerGone || stream.destroyed,
  };
}

export function processIO(): CliIO {
  const stdout = toStreamWriter(process.stdout);
  return {
    stdout: stdout.write,
    stdoutClosed: stdout.closed,
    stderr: toStreamWriter(process.stderr).write,
    cwd: process.cwd(),
    env: process.env,
    interactive: process.stderr.isTTY === true,
    exit: (code) => process.exit(code),
  };
}

/** Renders rows as a readable table (cli-table3), one header row. */
export function renderTable(head: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const table = new Table({ head: [...head], style: { head: [], border: [] }, wordWrap: true });
  for (const row of rows) table.push(row.map((cell) => String(cell)));
  return `${table.toString()}\n`;
}

export function printJson(io: CliIO, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

export function formatTime(epochMs: number | null | undefined): string {
  return epochMs === null || epochMs === undefined ? '-' : new Date(epochMs).toISOString();
}
