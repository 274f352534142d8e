import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { XportError } from '@xport/provider-sdk';
import type { ValidateFunction } from 'ajv';
import { formatSchemaErrors } from '../validation/format-schema-errors.js';
import { findJsonShapeProblem } from '../json/safe-json.js';
import type { XportConfig } from './config-schema.js';
import configShape from '../validation/generated/config-shape.js';
import { toReportOptions } from '../spooler/report-options.js';
import { checkWebhookSettings } from './webhook-rules.js';

export const CONFIG_FILE_NAME = 'xport.config.json';
const MAX_CONFIG_BYTES = 1024 * 1024;

/** `configSchema` with its defaults, compiled ahead (scripts/generate-validators.mjs). */
const validateConfigShape = configShape as ValidateFunction;

/**
 * Validates a configuration object (a copy of it; the input is not changed) and applies every default.
 * Throws `XPORT_CONFIG_INVALID` listing all problems, each naming its field.
 *
 * @example
 * const config = toXportConfig({ transportOrder: ['smtp-primary'] }, 'inline config');
 */
export function toXportConfig(input: unknown, source: string): XportConfig {
  const shape = findJsonShapeProblem(input);
  if (shape) {
    throw new XportError('XPORT_CONFIG_INVALID', `${source}: field ${shape.path} ${shape.reason}`, { details: { source, path: shape.path } });
  }
  const copy = input === undefined ? {} : structuredClone(input);
  if (!validateConfigShape(copy)) {
    const problems = formatSchemaErrors(validateConfigShape.errors, copy, 'field');
    throw new XportError('XPORT_CONFIG_INVALID', `${source}: ${problems.join('; ')}`, { details: { source, problems } });
  }
  const config = copy as XportConfig;
  if (config.logonRetry.minDelayMs > config.logonRetry.maxDelayMs) {
    throw new XportError('XPORT_CONFIG_INVALID', `${source}: field /logonRetry/minDelayMs must not exceed /logonRetry/maxDelayMs (got ${config.logonRetry.minDelayMs} > ${config.logonRetry.maxDelayMs})`, {
      details: { source },
    });
  }
  // The rules a schema cannot say (a recipient's syntax, an SMTP address): refused here, at load.
  toReportOptions(config.reports, source);
  checkWebhookSettings(config.webhooks, source);
  return config;
}

function readConfigFile(path: string): unknown {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new XportError('XPORT_CONFIG_INVALID', `${path} cannot be read (${(error as Error).message})`, { details: { source: path } });
  }
  if (size > MAX_CONFIG_BYTES) throw new XportError('XPORT_CONFIG_INVALID', `${path} is ${size} bytes, more than the ${MAX_CONFIG_BYTES} allowed`, { details: { source: path } });
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (error) {
    throw new XportError('XPORT_CONFIG_INVALID', `${path} is not valid JSON (${(error as Error).message})`, { details: { source: path } });
  }
}

/**
 * Reads `xport.config.json` from the application root (synchronously: it is read once, at startup).
 * A missing file is the default configuration; an unreadable, oversize, unsafe or invalid one is an
 * `XPORT_CONFIG_INVALID` error.
 *
 * @example
 * const config = loadConfig('/srv/app');
 * config.spooler.leaseMs // 300000 unless configured
 */
export function loadConfig(root: string): XportConfig {
  const path = join(root, CONFIG_FILE_NAME);
  return toXportConfig(readConfigFile(path), path);
}
