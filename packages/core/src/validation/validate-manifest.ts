import type { ValidateFunction } from 'ajv';
import type { ProviderManifest } from '@xport/provider-sdk';
import { formatSchemaErrors } from './format-schema-errors.js';
import manifestShape from './generated/manifest-shape.js';

/** The SDK's `manifestSchema`, compiled ahead (scripts/generate-validators.mjs). */
const validateShape = manifestShape as ValidateFunction;

export type ManifestValidation = { readonly ok: true; readonly manifest: ProviderManifest } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Validates a package's `"xport"` field against the SDK's manifest schema, every error reported and
 * each naming the package and field, e.g.
 * `xport-provider-fax: manifest field /addressTypes/0 must match ^[A-Za-z0-9._-]+$ (got "FAX TYPE")`.
 */
export function validateManifest(packageName: string, manifest: unknown): ManifestValidation {
  if (validateShape(manifest)) return { ok: true, manifest: manifest as ProviderManifest };
  return { ok: false, problems: formatSchemaErrors(validateShape.errors, manifest, `${packageName}: manifest field`) };
}
