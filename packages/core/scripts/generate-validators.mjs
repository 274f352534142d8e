// Writes src/validation/generated/ from the built schemas: see standalone-validators.mjs.
import { writeFileSync, mkdirSync } from 'node:fs';
import { standaloneValidators } from './standalone-validators.mjs';
import { configSchema } from '../dist/config/config-schema.js';
import { validatorFormats } from '../dist/validation/validator-formats.js';
import { manifestSchema } from '@xport/provider-sdk';

const dir = new URL('../src/validation/generated/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const [file, source] of Object.entries(standaloneValidators({ configSchema, manifestSchema }, validatorFormats))) {
  writeFileSync(new URL(file, dir), source);
  console.log(`wrote src/validation/generated/${file}`);
}
