import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateManifest } from '../../src/validation/validate-manifest.js';
import { validateProviderConfig } from '../../src/validation/validate-provider-config.js';
import { findJsonShapeProblem } from '../../src/json/safe-json.js';
import type { ProviderManifest } from '@xport/provider-sdk';

const PROBLEM = /^pkg: manifest field \/\S* .+/;

const id = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
const addressType = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$/);
const credentialName = fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,15}$/);
const validManifest = fc
  .record({
    id,
    kind: fc.constantFrom('transport', 'store', 'hook'),
    entry: fc.constantFrom('./index.js', './dist/provider.js', 'lib/main.mjs'),
    kernel: fc.constantFrom('^1.0.0', '>=1.0.0 <2', '1.x', '*', '~1.0.0'),
    addressTypes: fc.uniqueArray(addressType, { minLength: 1, maxLength: 4 }),
    description: fc.string({ maxLength: 60 }),
    capabilities: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), { maxLength: 3 }),
    credentials: fc.dictionary(credentialName, fc.record({ required: fc.boolean(), description: fc.string({ maxLength: 30 }) }), { maxKeys: 3 }),
  })
  .chain((m) =>
    fc
      .subarray(['addressTypes', 'description', 'capabilities', 'credentials'] as const)
      .map((optional) => {
        const manifest: Record<string, unknown> = { manifestVersion: 1, id: m.id, kind: m.kind, entry: m.entry, kernel: m.kernel };
        for (const key of optional) manifest[key] = m[key];
        if (m.kind === 'transport') manifest.addressTypes = m.addressTypes;
        return manifest;
      }),
  );

/** A valid manifest with one field replaced by anything, one field removed, or one field added. */
const brokenManifest = fc.tuple(validManifest, fc.constantFrom('replace', 'remove', 'add'), fc.string({ maxLength: 20 }), fc.anything()).map(([manifest, how, key, value]) => {
  const copy: Record<string, unknown> = { ...manifest };
  const keys = Object.keys(copy);
  const target = keys[key.length % keys.length] as string;
  if (how === 'replace') copy[target] = value;
  else if (how === 'remove') delete copy[target];
  else copy[key] = value;
  return copy;
});

function check(manifest: unknown): { ok: boolean; problems: readonly string[] } {
  // Discovery's order: the shape check on the raw JSON first, then the schema.
  const shape = findJsonShapeProblem(manifest);
  if (shape) {
    expect(shape.path).toMatch(/^\//);
    return { ok: false, problems: [`pkg: manifest field ${shape.path} ${shape.reason}`] };
  }
  const result = validateManifest('pkg', manifest);
  return result.ok ? { ok: true, problems: [] } : { ok: false, problems: result.problems };
}

describe('manifest validator properties', () => {
  it('accepts every valid manifest, and applies a configSchema without crashing', () => {
    fc.assert(
      fc.property(validManifest, (manifest) => {
        expect(check(manifest)).toEqual({ ok: true, problems: [] });
        const withSchema = { ...manifest, configSchema: { type: 'object', properties: { n: { type: 'integer', default: 1 } } } } as unknown as ProviderManifest;
        expect(validateProviderConfig('pkg', withSchema, {})).toEqual({ ok: true, config: { n: 1 } });
      }),
      { numRuns: 300 }, // each run compiles a schema with ajv: a few hundred keep this under a second
    );
  });

  it('answers any broken or arbitrary manifest with problems that each name a JSON path — never a crash', () => {
    fc.assert(
      fc.property(fc.oneof(brokenManifest, fc.anything(), fc.object()), (manifest) => {
        const result = check(manifest);
        if (result.ok) return; // e.g. an added optional field that happened to be valid
        expect(result.problems.length).toBeGreaterThan(0);
        for (const problem of result.problems) {
          expect(problem).toMatch(PROBLEM);
          expect(problem.length).toBeLessThan(2000);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('never accepts a manifest missing a required field or with a wrongly typed one', () => {
    const required = ['manifestVersion', 'id', 'kind', 'entry', 'kernel'] as const;
    fc.assert(
      fc.property(validManifest, fc.constantFrom(...required), fc.constantFrom(null, 42, [], {}, true), (manifest, field, wrong) => {
        const missing = { ...manifest };
        delete missing[field];
        expect(check(missing).problems).toContain(`pkg: manifest field /${field} is required`);
        const typed = check({ ...manifest, [field]: wrong });
        expect(typed.ok).toBe(false);
        expect(typed.problems.some((p) => p.startsWith(`pkg: manifest field /${field} `))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses credential names that are not lowerCamelCase: two of them could share an environment variable', () => {
    const base = { manifestVersion: 1, id: 'smtp', kind: 'hook', entry: './index.js', kernel: '^1.0.0' };
    for (const name of ['primary_password', 'PrimaryPassword', 'API_KEY', 'a__b', '2fa']) {
      const result = check({ ...base, credentials: { [name]: { required: true, description: 'x' } } });
      expect(result.ok).toBe(false);
      expect(result.problems.join('\n')).toContain(`pkg: manifest field /credentials/${name} `);
    }
    expect(check({ ...base, credentials: { primaryPassword: { required: true, description: 'x' }, oauth2AccessToken: { required: false, description: 'y' } } }).ok).toBe(true);
  });

  it('takes "advisory" from a hook only: on another kind it would promise what it cannot do', () => {
    const base = { manifestVersion: 1, id: 'policy', entry: './index.js', kernel: '^1.0.0' };
    expect(check({ ...base, kind: 'hook', advisory: true })).toEqual({ ok: true, problems: [] });
    expect(check({ ...base, kind: 'hook', advisory: false })).toEqual({ ok: true, problems: [] });
    expect(check({ ...base, kind: 'hook', advisory: 'yes' }).problems).toEqual(['pkg: manifest field /advisory must be of type boolean (got "yes")']);
    expect(check({ ...base, kind: 'transport', addressTypes: ['fax'], advisory: true }).problems).toEqual(['pkg: manifest field /advisory is not allowed here']);
    expect(check({ ...base, kind: 'store', advisory: false }).problems).toEqual(['pkg: manifest field /advisory is not allowed here']);
  });

  it('refuses a configSchema that recurses into itself with a coded error, not a stack overflow', () => {
    const manifest = { manifestVersion: 1, id: 'loop', kind: 'hook', entry: './index.js', kernel: '^1.0.0', configSchema: { $ref: '' } } as unknown as ProviderManifest;
    const result = validateProviderConfig('pkg', manifest, { n: 1 });
    expect(result).toMatchObject({ ok: false, code: 'XPORT_MANIFEST_INVALID' });
    expect(result.ok ? '' : result.message).toMatch(/^pkg: manifest field \/configSchema cannot be applied \(Maximum call stack size exceeded\)/);
  });

  it('refuses configSchemas that are not JSON Schemas with a coded error, never a throw', () => {
    fc.assert(
      fc.property(validManifest, fc.dictionary(fc.constantFrom('type', 'properties', 'required', '$ref', 'items', 'minimum', 'pattern'), fc.anything(), { maxKeys: 3 }), (manifest, schema) => {
        const result = validateProviderConfig('pkg', { ...manifest, configSchema: schema } as unknown as ProviderManifest, { n: 1 });
        if (!result.ok) {
          expect(['XPORT_MANIFEST_INVALID', 'XPORT_PROVIDER_CONFIG_INVALID']).toContain(result.code);
          expect(result.message).toMatch(/^pkg: manifest field \/configSchema |^provider ".+" \(pkg\): configuration/);
        }
      }),
      { numRuns: 500 },
    );
  });
});
