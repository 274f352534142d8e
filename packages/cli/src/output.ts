import Table from 'cli-table3';

/** Where a command writes. Injected so tests run commands in-process and read what they printed. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** True when standard error is a terminal: progress bars are drawn only then. */
  readonly interactive: boolean;
}

export function processIO(): CliIO {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
    interactive: process.stderr.isTTY === true,
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
