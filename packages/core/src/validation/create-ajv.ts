import { Ajv, type Options } from 'ajv';
import * as addFormatsModule from 'ajv-formats';
import { validatorFormats } from './validator-formats.js';
import metaSchemaShape from './generated/meta-schema-shape.js';

// ajv-formats is CommonJS (`exports.default = formatsPlugin`); under NodeNext its callable is `.default`.
const addFormats = addFormatsModule.default as unknown as (ajv: Ajv) => Ajv;

/** The key of ajv's default meta-schema (JSON Schema draft-07), which checks every schema before it is compiled. */
export const DEFAULT_META_SCHEMA = 'http://json-schema.org/draft-07/schema';

type SchemaValidator = NonNullable<NonNullable<Ajv['schemas'][string]>['validate']>;

// The options ajv leaves out when it compiles a meta-schema: with no other option given, the
// meta-schema's validator is the one compiled ahead (src/validation/generated/meta-schema-shape.ts).
const META_SCHEMA_NEUTRAL_OPTIONS: ReadonlySet<string> = new Set(['useDefaults', 'removeAdditional', 'coerceTypes']);

/**
 * An ajv instance that reports every error at once and understands the formats of ajv-formats and
 * `semver-range` (see `validatorFormats`). For schemas known only at run time (a provider's
 * `configSchema`); the kernel's own schemas are compiled ahead (src/validation/generated/), and so
 * is the meta-schema each schema is checked against first (compiling it cost more than the schema).
 */
export function createAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, ...options });
  addFormats(ajv);
  for (const [name, format] of Object.entries(validatorFormats)) ajv.addFormat(name, format);
  const meta = ajv.schemas[DEFAULT_META_SCHEMA];
  if (meta !== undefined && Object.keys(options).every((name) => META_SCHEMA_NEUTRAL_OPTIONS.has(name))) meta.validate = metaSchemaShape as SchemaValidator;
  return ajv;
}
