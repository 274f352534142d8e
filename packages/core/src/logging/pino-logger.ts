import { createRequire } from 'node:module';
import type { Logger as Pino, DestinationStream, pino as PinoFactory } from 'pino';
import type { Logger } from '@xport/provider-sdk';
import type { ConfigLogLevel } from '../config/config-schema.js';
import type { SecretRedactor } from './secret-redactor.js';

export interface PinoLoggerOptions {
  readonly level: ConfigLogLevel;
  readonly redactor: SecretRedactor;
  /** Where JSON lines go; standard error by default. */
  readonly destination?: DestinationStream | NodeJS.WritableStream;
}

/**
 * A written line with every secret masked. Masking the JSON text itself could cut an escape
 * sequence in two (a secret ending in a backslash) and break the line, so a line that holds a
 * secret is parsed, masked key by key and string by string, and written again.
 */
function toRedactedLine(line: string, redactor: SecretRedactor): string {
  if (!redactor.contains(line)) return line;
  const end = line.endsWith('\n') ? '\n' : '';
  try {
    return `${JSON.stringify(redactor.redactDeep(JSON.parse(line)))}${end}`;
  } catch {
    return redactor.redact(line);
  }
}

let loaded: typeof PinoFactory | undefined;

function loadPino(): typeof PinoFactory {
  return (loaded ??= (createRequire(import.meta.url)('pino') as { pino: typeof PinoFactory }).pino);
}

function wrap(instance: Pino): Logger {
  return {
    debug: (message, fields) => instance.debug(fields ?? {}, message),
    info: (message, fields) => instance.info(fields ?? {}, message),
    warn: (message, fields) => instance.warn(fields ?? {}, message),
    error: (message, fields) => instance.error(fields ?? {}, message),
    child: (bindings) => wrap(instance.child(bindings)),
  };
}

/**
 * The kernel's default logger: pino, JSON lines to standard error. Every line passes through the
 * redactor just before it is written, so a known secret is masked wherever it ended up, in any
 * form (`toRedactedLine`).
 *
 * @example
 * const logger = createPinoLogger({ level: 'info', redactor: new SecretRedactor() });
 * logger.child({ provider: 'smtp' }).info('logged on');
 */
export function createPinoLogger(options: PinoLoggerOptions): Logger {
  // Loaded when a kernel first logs through it: a command given its own logger never loads pino.
  const pino = loadPino();
  const destination = options.destination ?? pino.destination({ dest: 2, sync: true });
  const instance = pino(
    {
      level: options.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: { streamWrite: (line: string) => toRedactedLine(line, options.redactor) },
    },
    destination as DestinationStream,
  );
  return wrap(instance);
}
