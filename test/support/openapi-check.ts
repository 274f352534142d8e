import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import * as addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS (`exports.default = formatsPlugin`); under NodeNext its callable is `.default`.
const addFormats = addFormatsModule.default as unknown as (ajv: Ajv2020) => Ajv2020;

/** A response as a test got it: status, content type and body text. */
export interface ApiResponse {
  readonly method: string;
  /** Path and query, as requested. */
  readonly url: string;
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: string;
}

interface OpenApiDocument {
  readonly paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
  readonly components?: { readonly schemas?: Record<string, unknown> };
}

const COMPONENTS_ID = 'openapi-components';

/** The schema with `#/components/schemas/X` references pointed at the components schema ajv holds. */
function rewriteRefs(node: unknown, prefix: string): unknown {
  if (Array.isArray(node)) return node.map((item) => rewriteRefs(item, prefix));
  if (typeof node !== 'object' || node === null) return node;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    copy[key] = key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/') ? `${prefix}${value.slice('#/components/schemas/'.length)}` : rewriteRefs(value, prefix);
  }
  return copy;
}

function toPathPattern(template: string): RegExp {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
  return new RegExp(`^${escaped}$`);
}

/**
 * Checks responses against an OpenAPI 3.1 document: the route and status must be documented, and a
 * JSON body must match the documented schema (JSON Schema 2020-12, as OpenAPI 3.1 has it). Throws
 * an error naming the route, status and every mismatch.
 */
export function createOpenApiChecker(document: unknown): (response: ApiResponse) => void {
  const doc = document as OpenApiDocument;
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  ajv.addSchema({ $id: COMPONENTS_ID, $defs: rewriteRefs(doc.components?.schemas ?? {}, '#/$defs/') } as object);
  const routes = Object.keys(doc.paths).map((template) => ({ template, pattern: toPathPattern(template) }));
  const compiled = new Map<string, ValidateFunction>();

  return (response) => {
    const path = response.url.split('?')[0]!;
    const where = `${response.method} ${path} → ${response.status}`;
    const route = routes.find((r) => r.pattern.test(path));
    if (route === undefined) {
      // No route: not found, or refused by authentication (which comes first) — an Error either way.
      if (![401, 404, 429].includes(response.status)) throw new Error(`${where}: no documented route matches`);
      const validate = ajv.getSchema(`${COMPONENTS_ID}#/$defs/Error`);
      if (validate !== undefined && !validate(JSON.parse(response.body))) throw new Error(`${where}: body is not an Error: ${ajv.errorsText(validate.errors)}`);
      return;
    }
    const documented = doc.paths[route.template]![response.method.toLowerCase()]?.responses?.[String(response.status)];
    if (documented === undefined) throw new Error(`${where}: status ${response.status} is not documented for ${response.method} ${route.template}`);
    const json = documented.content?.['application/json'];
    if (json?.schema === undefined) {
      if (documented.content !== undefined && (response.contentType ?? '').startsWith('application/json')) {
        throw new Error(`${where}: answered JSON where the document lists ${Object.keys(documented.content).join(', ')}`);
      }
      return;
    }
    if (!(response.contentType ?? '').startsWith('application/json')) throw new Error(`${where}: documented as JSON, answered ${response.contentType}`);
    const key = `${response.method} ${route.template} ${response.status}`;
    let validate = compiled.get(key);
    if (validate === undefined) {
      validate = ajv.compile(rewriteRefs(json.schema, `${COMPONENTS_ID}#/$defs/`) as object);
      compiled.set(key, validate);
    }
    const body: unknown = JSON.parse(response.body);
    if (!validate(body)) throw new Error(`${where}: body does not match the OpenAPI document: ${ajv.errorsText(validate.errors)}\n${response.body.slice(0, 2000)}`);
  };
}
