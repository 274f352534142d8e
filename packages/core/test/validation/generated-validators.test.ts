import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import * as addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { manifestSchema } from '@xport/provider-sdk';
import { configSchema } from '../../src/config/config-schema.js';
import { validatorFormats } from '../../src/validation/validator-formats.js';
import { createAjv, DEFAULT_META_SCHEMA } from '../../src/validation/create-ajv.js';
import validateConfigShape from '../../src/validation/generated/config-shape.js';
import validateManifestShape from '../../src/validation/generated/manifest-shape.js';
import validateMetaSchemaShape from '../../src/validation/generated/meta-schema-shape.js';
import { standaloneValidators } from '../../scripts/standalone-validators.mjs';

const GENERATED = new URL('../../src/validation/generated/', import.meta.url);

describe('the validators compiled ahead from the kernel schemas', () => {
  it('are the code the schemas compile to now (run `pnpm --filter @xport/core generate:validators` after changing one)', () => {
    for (const [file, source] of Object.entries(standaloneValidators({ configSchema, manifestSchema }, validatorFormats))) {
      expect(readFileSync(new URL(file, GENERATED), 'utf8'), file).toBe(source);
    }
  });

  it('report the errors a runtime compile reports, and apply the same defaults', () => {
    const inputs: unknown[] = [
      {},
      { transportOrder: 'smtp' },
      { spooler: { pollMs: -1, unknown: true }, discovery: { paths: [''] } },
      { providers: { 'Bad Id': {} }, logonRetry: { minDelayMs: 'soon' } },
    ];
    const runtime = createAjv({ useDefaults: true }).compile(configSchema);
    for (const input of inputs) {
      const [ahead, now] = [structuredClone(input), structuredClone(input)];
      expect(validateConfigShape(ahead)).toBe(runtime(now));
      expect((validateConfigShape as unknown as { errors: unknown }).errors ?? null).toEqual(runtime.errors ?? null);
      expect(ahead).toEqual(now);
    }
    const manifests: unknown[] = [
      { manifestVersion: 1, id: 'fax', kind: 'transport', entry: 'dist/index.js', kernel: '^1.0.0' },
      { manifestVersion: 2, id: 'Fax', kind: 'printer', entry: '', kernel: 'not a range', addressTypes: ['FAX TYPE', 'FAX TYPE'] },
    ];
    const runtimeManifest = createAjv().compile(manifestSchema);
    for (const manifest of manifests) {
      expect(validateManifestShape(manifest)).toBe(runtimeManifest(manifest));
      expect((validateManifestShape as unknown as { errors: unknown }).errors ?? null).toEqual(runtimeManifest.errors ?? null);
    }
  });
});

describe('the meta-schema compiled ahead, which checks a provider configSchema before it is compiled', () => {
  const addFormats = addFormatsModule.default as unknown as (ajv: Ajv) => Ajv;
  /** An ajv that compiles its meta-schema itself, as createAjv's did before it was compiled ahead. */
  const compilingItsMetaSchema = () => addFormats(new Ajv({ allErrors: true, strict: false, useDefaults: true }));
  const outcome = (ajv: Ajv, schema: object) => {
    const given = structuredClone(schema);
    try {
      const validate = ajv.compile(given);
      const data = { a: 'x' };
      return { valid: validate(data), errors: validate.errors ?? null, data, schema: given };
    } catch (error) {
      return { thrown: (error as Error).message };
    }
  };

  it('is what createAjv checks schemas with: no meta-schema is compiled at run time', () => {
    const ajv = createAjv({ useDefaults: true });
    ajv.compile({ type: 'object', properties: { path: { type: 'string', default: 'x' } } });
    expect(ajv.getSchema(DEFAULT_META_SCHEMA)).toBe(validateMetaSchemaShape);
    // Options that change how the meta-schema itself compiles keep the runtime compile.
    expect(createAjv({ ownProperties: true }).getSchema(DEFAULT_META_SCHEMA)).not.toBe(validateMetaSchemaShape);
  });

  it('accepts and rejects exactly what the runtime-compiled meta-schema does, with the same message', () => {
    const schemas: object[] = [
      { type: 'object', additionalProperties: false, properties: { path: { type: 'string', default: '.xport/store.db' }, n: { type: 'integer', minimum: 0, default: 0 } } },
      { type: 'strng' },
      { pattern: '(' },
      { type: 'object', properties: { a: { minimum: 'x' }, b: { enum: [] } } },
      { required: ['a', 'a'], items: [{ type: 'bogus' }], maxItems: -1 },
      { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { a: { type: 'number' } } },
      { $schema: 'https://json-schema.org/draft/2020-12/schema' },
      { $schema: 5 },
      { $ref: 'http://json-schema.org/draft-07/schema#' },
      { $id: 'https://example.org/fax-config.json', type: 'object', properties: { a: { $ref: '#/definitions/x' } }, definitions: { x: { type: 'integer' } } },
      { properties: { a: { type: 'string', format: 'no-such-format' } } },
    ];
    for (const schema of schemas) {
      expect(outcome(createAjv({ useDefaults: true }), schema), JSON.stringify(schema)).toEqual(outcome(compilingItsMetaSchema(), schema));
    }
  });
});
