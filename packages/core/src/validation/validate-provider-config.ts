import type { Ajv, ValidateFunction } from 'ajv';
import { createAjv } from './create-ajv.js';
import { formatSchemaErrors } from './format-schema-errors.js';
import type { ProviderManifest } from '@xport/provider-sdk';

// Made on the first provider with a configSchema: a process that validates none builds no compiler.
let shared: Ajv | undefined;
// Each schema is compiled once per process, found again by its text: every discovery reads the
// manifests anew (a new object each time, which ajv's own cache would compile again).
const compiled = new Map<string, ValidateFunction>();

function compiledFor(schema: Readonly<Record<string, unknown>>): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (validate === undefined) {
    // A schema with its own $id gets its own ajv, so two providers may reuse an id without clashing.
    const compiler = Object.hasOwn(schema, '$id') ? createAjv({ useDefaults: true }) : (shared ??= createAjv({ useDefaults: true }));
    validate = compiler.compile(schema);
    compiled.set(key, validate);
  }
  return validate;
}

export type ProviderConfigValidation =
  | { readonly ok: true; readonly config: Record<string, unknown> }
  | { readonly ok: false; readonly code: 'XPORT_PROVIDER_CONFIG_INVALID' | 'XPORT_MANIFEST_INVALID'; readonly message: string };

/**
 * Validates `providers.<id>.config` from xport.config.json against the manifest's `configSchema`,
 * applying its defaults to a copy. A provider without a configSchema gets its configuration as given.
 */
export function validateProviderConfig(packageName: string, manifest: ProviderManifest, given: Readonly<Record<string, unknown>>): ProviderConfigValidation {
  const config = structuredClone(given) as Record<string, unknown>;
  if (manifest.configSchema === undefined) return { ok: true, config };
  let validate;
  try {
    validate = compiledFor(manifest.configSchema);
  } catch (error) {
    return { ok: false, code: 'XPORT_MANIFEST_INVALID', message: `${packageName}: manifest field /configSchema is not a valid JSON Schema (${(error as Error).message})` };
  }
  let valid: boolean;
  try {
    valid = validate(config) as boolean;
  } catch (error) {
    // A schema that refers to itself without consuming data (e.g. {"$ref": ""}) recurses forever.
    return { ok: false, code: 'XPORT_MANIFEST_INVALID', message: `${packageName}: manifest field /configSchema cannot be applied (${(error as Error).message})` };
  }
  if (valid) return { ok: true, config };
  const problems = formatSchemaErrors(validate.errors, config, 'field');
  return {
    ok: false,
    code: 'XPORT_PROVIDER_CONFIG_INVALID',
    message: `provider "${manifest.id}" (${packageName}): configuration in xport.config.json providers.${manifest.id}.config: ${problems.join('; ')}`,
  };
}
