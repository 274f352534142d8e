import type { Logger } from '@xport/provider-sdk';

/** One line a {@link recordingLogger} was given. */
export interface RecordedLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
}

/** A logger that keeps every line it is given, and tells `heard` of each as it comes. */
export function recordingLogger(heard?: (line: RecordedLine) => void): Logger & { readonly lines: RecordedLine[] } {
  const lines: RecordedLine[] = [];
  const log = (level: RecordedLine['level']) => (message: string) => {
    const line = { level, message };
    lines.push(line);
    heard?.(line);
  };
  const logger = { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: () => logger };
  return logger;
}
