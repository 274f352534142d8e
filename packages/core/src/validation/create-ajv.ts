import { Ajv, type Options } from 'ajv';
import * as addFormatsModule from 'ajv-formats';
import semver from 'semver';

// ajv-formats is CommonJS (`exports.default = formatsPlugin`); under NodeNext its callable is `.default`.
const addFormats = addFormatsModule.default as unknown as (ajv: Ajv) => Ajv;

/**
 * An ajv instance that reports every error at once and understands the `semver-range` format used
 * by the manifest's `kernel` field.
 */
export function createAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, ...options });
  addFormats(ajv);
  ajv.addFormat('semver-range', { type: 'string', validate: (value: string) => semver.validRange(value) !== null });
  return ajv;
}
