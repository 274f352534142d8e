import { pino, type Logger as Pino, type DestinationStream } from 'pino';
import type { Logger } from '@xport/provider-sdk';
import type { ConfigLogLevel } from '../config/config-schema.js';
import type { SecretRedactor } from './secret-redactor.js';

export interface PinoLoggerOptions {
  readonly level: ConfigLogLevel;
  readonly redactor: SecretRedactor;
  /** Where JSON lines go; standard error by default. */
  readonly destination?: DestinationStream | NodeJS.WritableStream;
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
 * redactor just before it is written, so a known secret is masked wherever it ended up.
 *
 * @example
 * const logger = createPinoLogger({ level: 'info', redactor: new SecretRedactor() });
 * logger.child({ provider: 'smtp' }).info('logged on');
 */
export function createPinoLogger(options: PinoLoggerOptions): Logger {
  const destination = options.destination ?? pino.destination({ dest: 2, sync: true });
  const instance = pino(
    {
      level: options.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: { streamWrite: (line: string) => options.redactor.redact(line) },
    },
    destination as DestinationStream,
  );
  return wrap(instance);
}
