import { XportError } from '@xport/provider-sdk';
import { configSchema, type ConfigLogLevel } from '../config/config-schema.js';

/** The environment variable that sets the default logger's level over `logLevel` in xport.config.json. */
export const LOG_LEVEL_VARIABLE = 'XPORT_LOG_LEVEL';

const LEVELS: readonly string[] = configSchema.properties.logLevel.enum;

/**
 * The level of the kernel's default logger: `XPORT_LOG_LEVEL` when the process environment sets it
 * (an operator, or a test run, turns logging up or down without editing the file), else `logLevel`
 * from the configuration. An unknown value keeps the configured level and is returned as an
 * `XPORT_CONFIG_INVALID` error naming the variable, which `start()` rejects with.
 *
 * @example
 * toDefaultLogLevel('info', { XPORT_LOG_LEVEL: 'silent' }) // { level: 'silent' }
 */
export function toDefaultLogLevel(configured: ConfigLogLevel, env: NodeJS.ProcessEnv): { level: ConfigLogLevel; error?: XportError } {
  const value = env[LOG_LEVEL_VARIABLE];
  if (value === undefined || value === '') return { level: configured };
  if (LEVELS.includes(value)) return { level: value as ConfigLogLevel };
  const error = new XportError('XPORT_CONFIG_INVALID', `environment variable ${LOG_LEVEL_VARIABLE} must be one of ${LEVELS.join(', ')} (got ${JSON.stringify(value)})`, {
    details: { variable: LOG_LEVEL_VARIABLE },
  });
  return { level: configured, error };
}
