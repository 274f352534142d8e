import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, manifestSchema } from '@xport/provider-sdk';
import { configSchema } from '../src/index.js';

const docs = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs');
const read = (name: string) => readFileSync(join(docs, name), 'utf8');

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
}

/** Every key path of the config schema: `spooler.retry.minDelayMs`, `providers.<id>.limits.concurrency`, … */
function keyPaths(node: SchemaNode, prefix = ''): string[] {
  const paths: string[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = `${prefix}${key}`;
    paths.push(path, ...keyPaths(child, `${path}.`));
  }
  if (typeof node.additionalProperties === 'object') paths.push(...keyPaths(node.additionalProperties, `${prefix}<id>.`));
  return paths;
}

describe('reference docs', () => {
  it('docs/configuration.md documents every configuration key', () => {
    const text = read('configuration.md');
    const paths = keyPaths(configSchema as unknown as SchemaNode);
    expect(paths).toContain('providers.<id>.limits.ratePerSecond');
    expect(paths.filter((path) => !text.includes(`| \`${path}\` |`))).toEqual([]);
  });

  it('docs/errors.md lists every error code with its meaning', () => {
    const text = read('errors.md');
    const missing = Object.entries(ERROR_CODES).filter(([code, meaning]) => !text.includes(`| \`${code}\` | ${meaning} |`));
    expect(missing).toEqual([]);
  });

  it('docs/manifest.md documents every manifest field', () => {
    const text = read('manifest.md');
    const fields = Object.keys(manifestSchema.properties);
    expect(fields.filter((field) => !text.includes(`| \`${field}\` |`))).toEqual([]);
  });
});
