import { Ajv, type Options } from 'ajv';
import * as addFormatsModule from 'ajv-formats';
import { validatorFormats } from './validator-formats.js';

// ajv-formats is CommonJS (`exports.default = formatsPlugin`); under NodeNext its callable is `.default`.
const addFormats = addFormatsModule.default as unknown as (ajv: Ajv) => Ajv;

/**
 * An ajv instance that reports every error at once and understands the formats of ajv-formats and
 * `semver-range` (see `validatorFormats`). For schemas known only at run time (a provider's
 * `configSchema`); the kernel's own schemas are compiled ahead (src/validation/generated/).
 */
export function createAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, ...options });
  addFormats(ajv);
  for (const [name, format] of Object.entries(validatorFormats)) ajv.addFormat(name, format);
  return ajv;
}
