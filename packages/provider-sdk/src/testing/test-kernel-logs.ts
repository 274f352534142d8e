import type { Logger, LogLevel } from '../services.js';

export interface CollectedLogLine {
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** A logger that keeps every line, for assertions. */
export interface LogCollector {
  readonly logger: Logger;
  readonly lines: readonly CollectedLogLine[];
  /** Every line as one JSON text (to search for a value that must never appear). */
  text(): string;
  clear(): void;
}

/**
 * Creates a logger that keeps every line it is given, bindings of `child()` included.
 *
 * @example
 * const logs = createLogCollector();
 * createKernel({ root, logger: logs.logger });
 * expect(logs.text()).not.toContain(password);
 */
export function createLogCollector(): LogCollector {
  const lines: CollectedLogLine[] = [];
  const make = (bindings: Readonly<Record<string, unknown>>): Logger => {
    const write = (level: LogLevel) => (message: string, fields?: Readonly<Record<string, unknown>>) => {
      lines.push({ level, message, fields: { ...bindings, ...fields } });
    };
    return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: (more) => make({ ...bindings, ...more }) };
  };
  return {
    logger: make({}),
    lines,
    text: () => lines.map((line) => JSON.stringify(line)).join('\n'),
    clear: () => void lines.splice(0, lines.length),
  };
}
