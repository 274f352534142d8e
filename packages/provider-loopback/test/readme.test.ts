import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface PropertySchema {
  readonly default?: unknown;
}

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  xport: { configSchema: { properties: Readonly<Record<string, PropertySchema>> } };
};
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('documents every configuration key of the manifest with its default, and no other', () => {
    const rows = [...readme.matchAll(/^\| `([A-Za-z]+)` \| [^|]+ \| `([^`]*)` \|/gm)].map((m) => [m[1], m[2]]);
    const keys = Object.entries(pkg.xport.configSchema.properties).map(([key, schema]) => [key, JSON.stringify(schema.default)]);
    expect(rows.sort()).toEqual(keys.sort());
  });
});
