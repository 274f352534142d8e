import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { manifestSchema } from '@xport/provider-sdk';
import { configSchema } from '../../src/config/config-schema.js';
import { validatorFormats } from '../../src/validation/validator-formats.js';
import { createAjv } from '../../src/validation/create-ajv.js';
import validateConfigShape from '../../src/validation/generated/config-shape.js';
import validateManifestShape from '../../src/validation/generated/manifest-shape.js';
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
