import { Ajv, type AnySchema, type Options, type ValidateFunction } from 'ajv';
import * as addFormatsModule from 'ajv-formats';
import { SHARED_SCHEMAS } from '../schemas/shared-schemas.js';

// ajv-formats is CommonJS (`exports.default = formatsPlugin`); under NodeNext its callable is `.default`.
const addFormats = addFormatsModule.default as unknown as (ajv: Ajv) => Ajv;

function createAjv(options: Options): Ajv {
  const ajv = addFormats(new Ajv({ ...options, allErrors: true, allowUnionTypes: true }));
  for (const schema of SHARED_SCHEMAS) ajv.addSchema(schema as AnySchema);
  return ajv;
}

/**
 * The validators of request parts. A body is taken as it is: an unknown field is an error, not
 * dropped (fastify's default removes it), and nothing is coerced or defaulted, so what the kernel
 * sees is what the client sent. Query strings and path parameters arrive as text: they are coerced
 * to the schema's types, and their defaults applied.
 */
export function createRequestValidators(): (route: { schema: unknown; httpPart?: string }) => ValidateFunction {
  const strict = createAjv({ removeAdditional: false, useDefaults: false, coerceTypes: false });
  const lenient = createAjv({ removeAdditional: false, useDefaults: true, coerceTypes: 'array' });
  return ({ schema, httpPart }) => (httpPart === 'body' ? strict : lenient).compile(schema as AnySchema);
}
